import fs from 'fs';
import { LineBlockQueue } from './LineBlockQueue';
import { DEFAULT_MAX_LINE_BYTES } from './LineSplitter';
import { InputStatus, ReaderOutput, Source, SourceReader, SourceReaderContext } from './Source';

/** The file's split: its path and the byte offset just after the last line emitted. */
interface FileSplit {
  readonly path: string;
  readonly offset: number;
}

/**
 * readTextFile(path): the file's lines, bounded, read as a stream and paused under
 * backpressure. Its position is the byte offset after the last line emitted, checkpointed as
 * the reader's split: restored, it reads on from there, so every line counts once. The file is
 * read once to its end, not monitored, so a last line without a newline is a record (as in
 * Flink's TextLineInputFormat on a finished file).
 */
export class TextFileSource implements Source<string> {
  readonly boundedness = 'BOUNDED' as const;
  readonly maxSourceParallelism = 1;
  readonly name: string;

  constructor(
    readonly path: string,
    /** Longer lines are skipped and counted as malformed records (see DEFAULT_MAX_LINE_BYTES). */
    readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  ) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) throw new RangeError(`maxLineBytes must be a positive integer, got ${maxLineBytes}`);
    this.name = `File Source(${path})`;
  }

  createReader(context: SourceReaderContext): SourceReader<string> {
    const restored = context.restoredSplits as readonly FileSplit[] | undefined;
    // Restored with no split (a rescale dealt it elsewhere): nothing to read.
    const split = restored ? restored[0] : { path: this.path, offset: 0 };
    return new FileLineReader(split, context, this.maxLineBytes);
  }
}

/** Decoded bytes waiting to be polled before the file stream is paused (about two chunks). */
const HIGH_WATER_BYTES = 512 * 1024;

/** Reads the file in chunks; lines are cut as the task polls them (LineBlockQueue). */
class FileLineReader implements SourceReader<string> {
  private stream: fs.ReadStream | undefined;
  private readonly lines: LineBlockQueue;
  private paused = false;
  private waiting = false;

  constructor(
    private readonly split: FileSplit | undefined,
    private readonly context: SourceReaderContext,
    maxLineBytes: number,
  ) {
    this.lines = new LineBlockQueue(split?.offset ?? 0, maxLineBytes, (offset) =>
      context.skipRecord(`a line longer than ${maxLineBytes} bytes at byte ${offset} of ${split?.path ?? ''} (maxLineBytes)`),
    );
  }

  start(): void {
    if (!this.split) {
      this.lines.end();
      return;
    }
    const { path } = this.split;
    const stream = fs.createReadStream(path, { start: this.split.offset, highWaterMark: 256 * 1024 });
    this.stream = stream;
    stream.on('data', (chunk: Buffer | string) => {
      this.lines.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      if (!this.paused && this.lines.queuedBytes >= HIGH_WATER_BYTES) {
        this.paused = true;
        stream.pause();
      }
      this.notify();
    });
    stream.on('end', () => {
      this.lines.end();
      this.notify();
    });
    stream.on('error', (err) => this.context.fail(new Error(`cannot read ${path}: ${err.message}`)));
  }

  pollNext(output: ReaderOutput<string>, maxRecords: number): InputStatus {
    this.lines.poll(output, maxRecords);
    if (this.paused && this.lines.queuedBytes < HIGH_WATER_BYTES / 2) {
      this.paused = false;
      this.stream?.resume();
    }
    if (!this.lines.isEmpty) return 'MORE_AVAILABLE';
    if (this.lines.isFinished) return 'END_OF_INPUT';
    this.waiting = true;
    return 'NOTHING_AVAILABLE';
  }

  snapshotState(): readonly FileSplit[] {
    return this.split ? [{ path: this.split.path, offset: this.lines.emittedOffset }] : [];
  }

  close(): void {
    this.stream?.destroy();
  }

  private notify(): void {
    if (this.waiting) {
      this.waiting = false;
      this.context.wakeup();
    }
  }
}
