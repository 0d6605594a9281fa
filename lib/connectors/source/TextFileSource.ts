import fs from 'fs';
import { InputStatus, ReaderOutput, Source, SourceReader, SourceReaderContext } from './Source';

/** The file's split: its path and the byte offset just after the last line emitted. */
interface FileSplit {
  readonly path: string;
  readonly offset: number;
}

/**
 * readTextFile(path): the file's lines, bounded, read as a stream and paused under
 * backpressure. Its position is the byte offset after the last line emitted, checkpointed as
 * the reader's split: restored, it reads on from there, so every line counts once.
 */
export class TextFileSource implements Source<string> {
  readonly boundedness = 'BOUNDED' as const;
  readonly maxSourceParallelism = 1;
  readonly name: string;

  constructor(readonly path: string) {
    this.name = `File Source(${path})`;
  }

  createReader(context: SourceReaderContext): SourceReader<string> {
    const restored = context.restoredSplits as readonly FileSplit[] | undefined;
    // Restored with no split (a rescale dealt it elsewhere): nothing to read.
    const split = restored ? restored[0] : { path: this.path, offset: 0 };
    return new FileLineReader(split, context);
  }
}

const HIGH_WATER = 16_384;
const NEWLINE = 0x0a;

/** Splits bytes on "\n" (a trailing "\r" is dropped), keeping each line's end offset. */
class FileLineReader implements SourceReader<string> {
  private stream: fs.ReadStream | undefined;
  private readonly lines: string[] = [];
  private readonly ends: number[] = [];
  private head = 0;
  private partial: Buffer[] = [];
  private readOffset: number;
  private emittedOffset: number;
  private ended = false;
  private paused = false;
  private waiting = false;

  constructor(
    private readonly split: FileSplit | undefined,
    private readonly context: SourceReaderContext,
  ) {
    this.readOffset = split?.offset ?? 0;
    this.emittedOffset = this.readOffset;
  }

  start(): void {
    if (!this.split) {
      this.ended = true;
      return;
    }
    const { path } = this.split;
    const stream = fs.createReadStream(path, { start: this.split.offset, highWaterMark: 256 * 1024 });
    this.stream = stream;
    stream.on('data', (chunk: Buffer | string) => this.onData(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    stream.on('end', () => {
      const rest = Buffer.concat(this.partial);
      this.partial = [];
      if (rest.length > 0) this.push(rest, this.readOffset);
      this.ended = true;
      this.notify();
    });
    stream.on('error', (err) => this.context.fail(new Error(`cannot read ${path}: ${err.message}`)));
  }

  pollNext(output: ReaderOutput<string>, maxRecords: number): InputStatus {
    const end = Math.min(this.lines.length, this.head + maxRecords);
    while (this.head < end) {
      output.collect(this.lines[this.head]);
      this.emittedOffset = this.ends[this.head++];
    }
    if (this.head === this.lines.length) {
      this.lines.length = 0;
      this.ends.length = 0;
      this.head = 0;
    }
    const available = this.lines.length - this.head;
    if (this.paused && available < HIGH_WATER / 2) {
      this.paused = false;
      this.stream?.resume();
    }
    if (available > 0) return 'MORE_AVAILABLE';
    if (this.ended) return 'END_OF_INPUT';
    this.waiting = true;
    return 'NOTHING_AVAILABLE';
  }

  snapshotState(): readonly FileSplit[] {
    return this.split ? [{ path: this.split.path, offset: this.emittedOffset }] : [];
  }

  close(): void {
    this.stream?.destroy();
  }

  private onData(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const at = chunk.indexOf(NEWLINE, start);
      if (at < 0) break;
      const piece = chunk.subarray(start, at);
      const bytes = this.partial.length > 0 ? Buffer.concat([...this.partial, piece]) : piece;
      this.partial = [];
      this.readOffset += at - start + 1;
      this.push(bytes, this.readOffset);
      start = at + 1;
    }
    if (start < chunk.length) {
      this.partial.push(chunk.subarray(start));
      this.readOffset += chunk.length - start;
    }
    // readOffset counts bytes consumed; a partial line's bytes are counted as they arrive.
    if (!this.paused && this.lines.length - this.head >= HIGH_WATER) {
      this.paused = true;
      this.stream?.pause();
    }
    this.notify();
  }

  private push(bytes: Buffer, endOffset: number): void {
    let line = bytes.toString('utf8');
    if (line.endsWith('\r')) line = line.slice(0, -1);
    this.lines.push(line);
    this.ends.push(endOffset);
  }

  private notify(): void {
    if (this.waiting) {
      this.waiting = false;
      this.context.wakeup();
    }
  }
}
