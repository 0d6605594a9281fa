import { createClient } from 'redis';
import { TimerHandle } from '../../time/Clock';
import { Boundedness, InputStatus, ReaderOutput, Source, SourceReader, SourceReaderContext } from '../source/Source';

/** One entry of a Redis stream. */
export interface RedisStreamEntry {
  readonly stream: string;
  readonly id: string;
  readonly fields: Readonly<Record<string, string>>;
}

export interface RedisStreamSourceOptions<T> {
  /** redis://host:port */
  readonly url: string;
  /** The streams to read; parallel subtasks split them (stream j goes to subtask j mod p). */
  readonly streams: readonly string[];
  /** Turns an entry into a record; default: the entry itself. */
  readonly deserialize?: (entry: RedisStreamEntry) => T;
  /** Where a fresh start begins: '0' (the whole stream, default) or '$' (only new entries). */
  readonly startFrom?: '0' | '$';
  /** Entries per XREAD (default 1000). */
  readonly batchSize?: number;
  /** How long one XREAD blocks waiting for entries (default 100 ms). */
  readonly blockMs?: number;
  /** Treat the input as ended once no entry arrived for this long (the source becomes bounded). */
  readonly stopWhenIdleMs?: number;
}

/** A reader's position in one stream: the id of the last entry it emitted. */
interface StreamSplit {
  readonly stream: string;
  lastId: string;
}

/**
 * Reads Redis Streams with XREAD (node-redis). The position of each stream, the id of the last
 * entry emitted downstream, is the reader's checkpointed state: restored, it reads on from
 * just after it, so every entry counts once. Entries are fetched ahead into a bounded queue on
 * a connection of their own; a full queue stops the fetching (backpressure).
 */
export class RedisStreamSource<T = RedisStreamEntry> implements Source<T> {
  readonly name: string;
  readonly boundedness: Boundedness;
  readonly maxSourceParallelism: number;

  constructor(private readonly options: RedisStreamSourceOptions<T>) {
    if (options.streams.length === 0) throw new Error('RedisStreamSource needs at least one stream');
    this.name = `Redis Streams(${options.streams.join(', ')})`;
    this.maxSourceParallelism = options.streams.length;
    this.boundedness = options.stopWhenIdleMs !== undefined ? 'BOUNDED' : 'CONTINUOUS_UNBOUNDED';
  }

  createReader(context: SourceReaderContext): SourceReader<T> {
    const { streams, startFrom = '0' } = this.options;
    const restored = context.restoredSplits as readonly StreamSplit[] | undefined;
    const splits = restored
      ? restored.map((s) => ({ stream: s.stream, lastId: s.lastId }))
      : streams.filter((_, j) => j % context.parallelism === context.subtaskIndex).map((stream) => ({ stream, lastId: startFrom }));
    return new RedisStreamReader<T>(this.options, splits, context);
  }
}

const HIGH_WATER = 10_000;

class RedisStreamReader<T> implements SourceReader<T> {
  private readonly client;
  private readonly queue: Array<{ split: StreamSplit; id: string; value: T }> = [];
  private head = 0;
  /** Fetch positions, ahead of the emitted ones. */
  private readonly fetched: Map<string, string>;
  private closed = false;
  private waiting = false;
  private lastArrival: number;
  private idleTimer: TimerHandle | undefined;
  private resumeFetch: (() => void) | undefined;

  constructor(
    private readonly options: RedisStreamSourceOptions<T>,
    private readonly splits: StreamSplit[],
    private readonly context: SourceReaderContext,
  ) {
    this.fetched = new Map(splits.map((s) => [s.stream, s.lastId]));
    this.lastArrival = context.clock.now();
    this.client = createClient({ url: options.url });
    this.client.on('error', (e: Error) => context.log('redis source connection: %s', e.message));
  }

  start(): void {
    if (this.splits.length === 0) return;
    this.fetchLoop().catch((e: unknown) => {
      if (!this.closed) this.context.fail(new Error(`Redis source ${this.options.url} failed: ${(e as Error).message}`));
    });
  }

  pollNext(output: ReaderOutput<T>, maxRecords: number): InputStatus {
    const end = Math.min(this.queue.length, this.head + maxRecords);
    while (this.head < end) {
      const e = this.queue[this.head];
      this.queue[this.head++] = undefined as never;
      output.collect(e.value);
      e.split.lastId = e.id;
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
      this.resumeFetch?.();
    }
    if (this.head < this.queue.length) return 'MORE_AVAILABLE';
    if (this.isIdleEnded()) return 'END_OF_INPUT';
    this.waiting = true;
    this.armIdleTimer();
    return 'NOTHING_AVAILABLE';
  }

  snapshotState(): readonly StreamSplit[] {
    return this.splits.map((s) => ({ stream: s.stream, lastId: s.lastId }));
  }

  close(): void {
    this.closed = true;
    this.resumeFetch?.();
    if (this.idleTimer !== undefined) this.context.clock.clearTimeout(this.idleTimer);
    if (this.client.isOpen) this.client.destroy();
  }

  private isIdleEnded(): boolean {
    const idle = this.options.stopWhenIdleMs;
    if (idle === undefined) return false;
    return this.splits.length === 0 || this.context.clock.now() - this.lastArrival >= idle;
  }

  private armIdleTimer(): void {
    const idle = this.options.stopWhenIdleMs;
    if (idle === undefined || this.idleTimer !== undefined) return;
    const due = Math.max(1, this.lastArrival + idle - this.context.clock.now());
    this.idleTimer = this.context.clock.setTimeout(() => {
      this.idleTimer = undefined;
      this.wake();
    }, due);
  }

  private wake(): void {
    if (this.waiting) {
      this.waiting = false;
      this.context.wakeup();
    }
  }

  private async fetchLoop(): Promise<void> {
    await this.client.connect();
    const { batchSize = 1000, blockMs = 100, deserialize } = this.options;
    const bySplit = new Map(this.splits.map((s) => [s.stream, s]));
    while (!this.closed) {
      if (this.queue.length - this.head >= HIGH_WATER) {
        await new Promise<void>((resolve) => (this.resumeFetch = resolve));
        this.resumeFetch = undefined;
        continue;
      }
      const reply = await this.client.xRead(
        [...this.fetched].map(([key, id]) => ({ key, id })),
        { COUNT: batchSize, BLOCK: blockMs },
      );
      if (this.closed) return;
      if (!reply || !Array.isArray(reply)) continue;
      let n = 0;
      for (const stream of reply as Array<{ name: string; messages: Array<{ id: string; message: Record<string, string> }> }>) {
        const split = bySplit.get(stream.name)!;
        for (const m of stream.messages) {
          const entry: RedisStreamEntry = { stream: stream.name, id: m.id, fields: { ...m.message } };
          this.queue.push({ split, id: m.id, value: deserialize ? deserialize(entry) : (entry as unknown as T) });
          this.fetched.set(stream.name, m.id);
          n++;
        }
      }
      if (n > 0) {
        this.lastArrival = this.context.clock.now();
        if (this.idleTimer !== undefined) {
          this.context.clock.clearTimeout(this.idleTimer);
          this.idleTimer = undefined;
        }
        this.wake();
      }
    }
  }
}
