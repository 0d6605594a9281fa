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
 * reads its file's splits in parallel too). The file is cut into byte ranges of about
 * `splitBytes`, dealt round robin: readers go through the file side by side, so the event
 * time of their lines stays close and windows downstream do not wait for a reader half a
 * file behind. A line belongs to the range it starts in: a reader whose range starts
 * inside a line leaves that line to the previous range and reads its own last line past the
 * range's end. Each reader checkpoints its ranges with the offset after the last line it
 * emitted; on a restore with another parallelism the ranges are dealt round robin again
 * (Flink's operator list state). The file is read once to its end, not monitored, so a last
 * line without a newline is a record (as in Flink's TextLineInputFormat on a finished file).
 * The lines of one reader keep their order; across readers, as with any parallel source, they
 * interleave.
 */
export class TextFileSource implements Source<string> {
  readonly boundedness = 'BOUNDED' as const;
  readonly name: string;

  constructor(
    readonly path: string,
    /** Longer lines are skipped and counted as malformed records (see DEFAULT_MAX_LINE_BYTES). */
    readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
    /** The size of a range read by one reader at a time (more for a file of over 1024 ranges per reader). */
    readonly splitBytes = DEFAULT_SPLIT_BYTES,
  ) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) throw new RangeError(`maxLineBytes must be a positive integer, got ${maxLineBytes}`);
    if (!Number.isInteger(splitBytes) || splitBytes < 1) throw new RangeError(`splitBytes must be a positive integer, got ${splitBytes}`);
    this.name = `File Source(${path})`;
  }

  createReader(context: SourceReaderContext): SourceReader<string> {
    const restored = context.restoredSplits as readonly FileSplit[] | undefined;
    // Restored with no split (a rescale dealt them elsewhere): nothing to read.
    const splits = restored ?? splitsOf(this.path, context.subtaskIndex, context.parallelism, this.splitBytes);
    return new FileLineReader(splits, context, this.maxLineBytes);
  }
}

/**
 * One MiB, some 50,000 lines of an access log: a reader ahead by a range is ahead by that
 * much, and a file of a few MiB is still read by every reader.
 */
const DEFAULT_SPLIT_BYTES = 1 << 20;

/** Ranges per reader at most: a huge file gets larger ranges rather than a huge checkpoint. */
const MAX_SPLITS_PER_READER = 1024;

/**
 * Reader `index` of `parallelism`: ranges k = index, index + p, … of the file cut at multiples
 * c of the range size, range k holding the lines starting in (c_k, c_k+1] (the first from byte
 * 0, the last to the end of the file). One reader reads the whole file. A file that cannot be
 * read gets one reader of the whole path, which then fails naming it.
 */
function splitsOf(path: string, index: number, parallelism: number, splitBytes: number): FileSplit[] {
  if (parallelism === 1) return [{ path, offset: 0 }];
  let size: number;
  try {
    size = fs.statSync(path).size;
  } catch {
    return index === 0 ? [{ path, offset: 0 }] : [];
  }
  const rangeBytes = Math.max(splitBytes, Math.ceil(size / (parallelism * MAX_SPLITS_PER_READER)));
  const count = Math.max(1, Math.ceil(size / rangeBytes));
  const splits: FileSplit[] = [];
  for (let k = index; k < count; k += parallelism) {
    const offset = k === 0 ? 0 : k * rangeBytes + 1;
    splits.push(k === count - 1 ? { path, offset } : { path, offset, end: (k + 1) * rangeBytes });
  }
  return splits;
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
  private closed = false;

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
    // file may be gone since).
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
    stream.on('error', (err) => {
      // A stream destroyed by close() may still report its open failing: the reader is gone.
      if (!this.closed) this.context.fail(new Error(`cannot read ${path}: ${err.message}`));
    });
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
    this.closed = true;
    this.stream?.destroy();
  }

  private notify(): void {
    if (this.waiting) {
      this.waiting = false;
      this.context.wakeup();
    }
  }
}
