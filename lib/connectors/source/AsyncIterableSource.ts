import { errorMessage } from '../../runtime/errors';
import { InputStatus, ReaderOutput, Source, SourceReader, SourceReaderContext } from './Source';

/**
 * A replayable async iterable: called with the number of records already emitted (0 on a fresh
 * start), it must yield the records from that position on. A checkpoint keeps that count, so a
 * restore resumes exactly after the last record emitted before the checkpoint: exactly once.
 */
export type AsyncIterableFactory<T> = (offset: number) => AsyncIterable<T>;

export interface AsyncIterableSourceOptions {
  /** Records read ahead of what the task has taken (default 64); the iterator is not pulled beyond it. */
  readonly prefetch?: number;
  readonly name?: string;
}

export const DEFAULT_PREFETCH = 64;

/** Where a checkpoint puts the reader: records emitted so far. */
interface IterablePosition {
  readonly offset: number;
}

/**
 * env.fromAsyncIterable: records from an async iterable (an async generator, a Node stream, an
 * event iterator). With a factory of the resume offset it is replayable (exactly once); a plain
 * iterable cannot be rewound, so after a restore it goes on from wherever the iterator is: what
 * was prefetched and not emitted, or emitted after the checkpoint, is lost or not replayed (at
 * most once). The end of the iterable ends the input; a rejection fails the task.
 */
export class AsyncIterableSource<T> implements Source<T> {
  readonly name: string;
  readonly boundedness = 'CONTINUOUS_UNBOUNDED' as const;
  readonly maxSourceParallelism = 1;
  readonly prefetch: number;
  private warned = false;

  constructor(
    private readonly iterable: AsyncIterable<T> | AsyncIterableFactory<T>,
    options: AsyncIterableSourceOptions = {},
  ) {
    this.name = options.name ?? 'Async Iterable Source';
    this.prefetch = options.prefetch ?? DEFAULT_PREFETCH;
    if (!Number.isInteger(this.prefetch) || this.prefetch < 1) throw new RangeError(`prefetch must be a positive integer, got ${options.prefetch}`);
    if (typeof iterable !== 'function' && typeof (iterable as Partial<AsyncIterable<T>>)?.[Symbol.asyncIterator] !== 'function') {
      throw new TypeError('fromAsyncIterable expects an AsyncIterable or a function (offset) => AsyncIterable');
    }
  }

  get replayable(): boolean {
    return typeof this.iterable === 'function';
  }

  createReader(context: SourceReaderContext): SourceReader<T> {
    const restored = (context.restoredSplits as readonly IterablePosition[] | undefined)?.[0];
    let iterable: AsyncIterable<T>;
    let offset = 0;
    if (typeof this.iterable === 'function') {
      offset = restored?.offset ?? 0;
      iterable = this.iterable(offset);
    } else {
      iterable = this.iterable;
      if (context.checkpointingMode !== undefined && !this.warned) {
        this.warned = true;
        context.warn(
          'a plain AsyncIterable cannot be rewound: after a restore, records are at most once. ' +
            'Pass a function (offset) => AsyncIterable for exactly once.',
        );
      }
    }
    return new AsyncIterableReader<T>(this.name, iterable, offset, this.prefetch, context);
  }
}

/**
 * Pulls the iterator while fewer than `prefetch` records wait; the task takes them when it has
 * credit. A backpressured task stops polling, the buffer fills, and the iterator is no longer
 * pulled: that is how backpressure reaches the producer.
 */
class AsyncIterableReader<T> implements SourceReader<T> {
  private iterator: AsyncIterator<T> | undefined;
  private readonly buffer: T[] = [];
  private bufferHead = 0;
  private pulling = false;
  private ended = false;
  private closed = false;

  constructor(
    private readonly name: string,
    private readonly iterable: AsyncIterable<T>,
    /** Records emitted so far, over every attempt (what a checkpoint keeps). */
    private emitted: number,
    private readonly prefetch: number,
    private readonly context: SourceReaderContext,
  ) {}

  start(): void {
    try {
      this.iterator = this.iterable[Symbol.asyncIterator]();
    } catch (e) {
      this.context.fail(this.failure(e));
      return;
    }
    this.pull();
  }

  pollNext(output: ReaderOutput<T>, maxRecords: number): InputStatus {
    const n = Math.min(maxRecords, this.buffer.length - this.bufferHead);
    for (let i = 0; i < n; i++) {
      const value = this.buffer[this.bufferHead];
      this.buffer[this.bufferHead++] = undefined as T;
      this.emitted++;
      output.collect(value);
    }
    if (this.bufferHead === this.buffer.length) {
      this.buffer.length = 0;
      this.bufferHead = 0;
    }
    this.pull();
    if (this.buffer.length > 0) return 'MORE_AVAILABLE';
    return this.ended ? 'END_OF_INPUT' : 'NOTHING_AVAILABLE';
  }

  snapshotState(): readonly unknown[] {
    const position: IterablePosition = { offset: this.emitted };
    return [position];
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Lets a generator run its finally blocks and a stream release its resources.
    if (this.iterator?.return && !this.ended) {
      Promise.resolve(this.iterator.return()).catch((e: unknown) => this.context.log('%s: return() of the iterator failed: %s', this.name, errorMessage(e)));
    }
  }

  private pull(): void {
    if (this.pulling || this.ended || this.closed || !this.iterator) return;
    if (this.buffer.length - this.bufferHead >= this.prefetch) return;
    this.pulling = true;
    let next: Promise<IteratorResult<T>>;
    try {
      next = Promise.resolve(this.iterator.next());
    } catch (e) {
      next = Promise.reject(e as Error);
    }
    next.then(
      (result) => {
        this.pulling = false;
        if (this.closed) return;
        if (result.done) this.ended = true;
        else this.buffer.push(result.value);
        this.context.wakeup();
        this.pull();
      },
      (e: unknown) => {
        this.pulling = false;
        if (this.closed) return;
        this.ended = true;
        this.context.fail(this.failure(e));
      },
    );
  }

  private failure(e: unknown): Error {
    const error = new Error(`source '${this.name}': the async iterable failed: ${errorMessage(e)}`);
    return Object.assign(error, { cause: e });
  }
}
