import fs from 'fs';
import { LineBlockQueue } from './LineBlockQueue';
import { DEFAULT_MAX_LINE_BYTES } from './LineSplitter';
import { InputStatus, ReaderOutput, Source, SourceReader, SourceReaderContext } from './Source';

/**
 * A byte range of the file: the lines that start at or after `offset` and at or before `end`
 * (to the end of the file without `end`). As a reader emits lines, `offset` moves to the byte
 * just after the last one: checkpointed, it reads on from there, so every line counts once.
 */
interface FileSplit {
  readonly path: string;
  readonly offset: number;
  readonly end?: number;
}

/**
 * readTextFile(path): the file's lines, bounded, read as a stream and paused under
 * backpressure, by as many parallel readers as the source's parallelism (Flink's readTextFile
 * reads its file's splits in parallel too). The file is cut into one byte range per reader at
 * the start: a line belongs to the range it starts in, a reader whose range starts inside a
 * line leaves that line to the previous one and reads its own last line past its range's end.
 * Each reader checkpoints the offset after the last line it emitted; on a restore with another
 * parallelism the ranges are dealt round robin (Flink's operator list state), a reader holding
 * several reads them one after the other. The file is read once to its end, not monitored, so
 * a last line without a newline is a record (as in Flink's TextLineInputFormat on a finished
 * file). Lines of one reader keep their order; across readers, as with any parallel source,
 * they interleave.
 */
export class TextFileSource implements Source<string> {
  readonly boundedness = 'BOUNDED' as const;
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
    // Restored with no split (a rescale dealt them elsewhere): nothing to read.
    const splits = restored ?? [splitOf(this.path, context.subtaskIndex, context.parallelism)];
    return new FileLineReader(splits, context, this.maxLineBytes);
  }
}

/**
 * Reader `index` of `parallelism`: the lines starting in (s, e] of the cuts s = ⌊index·size/p⌋,
 * e = ⌊(index+1)·size/p⌋, the first reader from byte 0, the last to the end of the file. A file
 * that cannot be read gets one reader of the whole path, which then fails naming it.
 */
function splitOf(path: string, index: number, parallelism: number): FileSplit {
  if (parallelism === 1) return { path, offset: 0 };
  let size: number;
  try {
    size = fs.statSync(path).size;
  } catch {
    return index === 0 ? { path, offset: 0 } : { path, offset: 0, end: -1 };
  }
  const cut = (i: number): number => Math.floor((i * size) / parallelism);
  const offset = index === 0 ? 0 : cut(index) + 1;
  return index === parallelism - 1 ? { path, offset } : { path, offset, end: cut(index + 1) };
}

/** Decoded bytes waiting to be polled before the file stream is paused (about two chunks). */
const HIGH_WATER_BYTES = 512 * 1024;

/** Reads its splits' byte ranges one after the other, in chunks; lines are cut as the task polls them (LineBlockQueue). */
class FileLineReader implements SourceReader<string> {
  private stream: fs.ReadStream | undefined;
  private split: FileSplit | undefined;
  private lines: LineBlockQueue;
  private paused = false;
  private waiting = false;
  private next = 0;

  constructor(
    private readonly splits: readonly FileSplit[],
    private readonly context: SourceReaderContext,
    private readonly maxLineBytes: number,
  ) {
    this.lines = new LineBlockQueue();
    this.lines.end();
  }

  start(): void {
    this.openNext();
  }

  /** Starts reading the next split; without one the queue stays ended (the input ends). */
  private openNext(): void {
    this.stream?.destroy();
    this.stream = undefined;
    this.split = this.splits[this.next++];
    if (this.split === undefined) return;
    const { path, offset, end } = this.split;
    // A split ending before it starts holds no line: read to its end before a checkpoint (its
    // file may be gone since), cut from a file smaller than the readers, or an unreadable
    // file's other readers (the first one fails naming it).
    if (end !== undefined && end < offset) {
      this.openNext();
      return;
    }
    const maxLineBytes = this.maxLineBytes;
    this.lines = new LineBlockQueue(
      offset,
      maxLineBytes,
      (at) => this.context.skipRecord(`a line longer than ${maxLineBytes} bytes at byte ${at} of ${path} (maxLineBytes)`),
      { alignToLine: true, lastLineStart: end },
    );
    // From the byte before the offset: whether it is a newline says if a line starts at the offset.
    const stream = fs.createReadStream(path, { start: Math.max(0, offset - 1), highWaterMark: 256 * 1024 });
    this.stream = stream;
    const lines = this.lines;
    stream.on('data', (chunk: Buffer | string) => {
      lines.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      if (!this.paused && lines.queuedBytes >= HIGH_WATER_BYTES) {
        this.paused = true;
        stream.pause();
      }
      this.notify();
    });
    stream.on('end', () => {
      lines.end();
      this.notify();
    });
    stream.on('error', (err) => this.context.fail(new Error(`cannot read ${path}: ${err.message}`)));
  }

  pollNext(output: ReaderOutput<string>, maxRecords: number): InputStatus {
    for (;;) {
      this.lines.poll(output, maxRecords);
      if (this.paused && this.lines.queuedBytes < HIGH_WATER_BYTES / 2) {
        this.paused = false;
        this.stream?.resume();
      }
      if (!this.lines.isEmpty) return 'MORE_AVAILABLE';
      if (!this.lines.isFinished) {
        this.waiting = true;
        return 'NOTHING_AVAILABLE';
      }
      if (this.next >= this.splits.length) {
        // Past its range's last line a stream may still be open: nothing more of it is read.
        this.stream?.destroy();
        return 'END_OF_INPUT';
      }
      this.paused = false;
      this.openNext();
    }
  }

  snapshotState(): readonly FileSplit[] {
    const pending = this.splits.slice(this.next);
    if (this.split === undefined) return pending;
    const { path, end } = this.split;
    const offset = this.lines.emittedOffset;
    return [end === undefined ? { path, offset } : { path, offset, end }, ...pending];
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
