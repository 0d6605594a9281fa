import { createClient, ErrorReply, MultiErrorReply } from 'redis';
import { InputStatus, ReaderOutput, SourceReader, SourceReaderContext } from '../source/Source';
import type { RedisStreamEntry, RedisStreamSourceOptions } from './RedisStreamSourceOptions';
import { compareStreamIds, parseStreamInfo, parseXReadReply, StreamInfo } from './StreamInfo';

/**
 * A reader's position in one stream, as checkpointed: the id of the last entry it emitted, and
 * how many entries the stream had seen added up to it (Redis's logical counter, as a consumer
 * group's entries-read), which tells how many entries after it a trim deleted. The counter is
 * undefined for a position from a checkpoint that did not record it; such a stream is read
 * without trim detection. A fresh start holds '$' or '0-0' until the reader asked Redis where
 * that is.
 */
export interface StreamSplit {
  readonly stream: string;
  lastId: string;
  entriesRead: number | undefined;
}

interface Position {
  id: string;
  entriesRead: number | undefined;
}

interface QueuedEntry<T> {
  readonly split: StreamSplit;
  readonly id: string;
  readonly entriesRead: number | undefined;
  readonly value: T;
}

type Client = ReturnType<typeof createClient>;

const HIGH_WATER = 10_000;

/** A failure whose message already says what happened; reported as it is. */
class ReaderFailure extends Error {}

/**
 * Fetches entries ahead into a bounded queue on a connection of its own (a full queue stops the
 * fetching: backpressure) and emits them as the task polls. Each read is one MULTI of XINFO
 * STREAM and a non-blocking XREAD, so what it learns about trimming is exactly the state the
 * entries were read from; when nothing is new it waits with a blocking XREAD before reading again.
 * The connection never reconnects by itself: a lost or refused connection fails the reader.
 */
export class RedisStreamReader<T> implements SourceReader<T> {
  private readonly client: Client;
  private readonly queue: Array<QueuedEntry<T>> = [];
  private head = 0;
  /** Fetch positions, ahead of the emitted ones. */
  private readonly fetched: Map<string, Position>;
  private readonly bySplit: Map<string, StreamSplit>;
  /** Closed or failed: the fetch loop stops and nothing is reported any more. */
  private stopped = false;
  private failed = false;
  private waiting = false;
  private idleEnded = false;
  /** Clock time the current run of reads that found nothing began (undefined: the last read found entries). */
  private idleSince: number | undefined;
  private resumeFetch: (() => void) | undefined;
  private skippedByTrim = 0;

  constructor(
    private readonly options: RedisStreamSourceOptions<T>,
    private readonly splits: StreamSplit[],
    private readonly context: SourceReaderContext,
  ) {
    this.fetched = new Map(splits.map((s) => [s.stream, { id: s.lastId, entriesRead: s.entriesRead }]));
    this.bySplit = new Map(splits.map((s) => [s.stream, s]));
    this.client = createClient({
      url: options.url,
      // Bounded connect, no reconnecting behind the job's back: an outage fails the reader, and
      // the job's restart strategy decides when to try again (with its back-off).
      socket: { connectTimeout: options.connectTimeoutMs ?? 5000, reconnectStrategy: false },
    });
    this.client.on('error', (e: Error) => context.log('redis source connection to %s: %s', options.url, e.message));
    context.metricGroup.gauge('numEntriesSkippedByTrim', () => this.skippedByTrim);
  }

  start(): void {
    if (this.splits.length === 0) return;
    this.run().catch((e: unknown) => this.fail(e));
  }

  pollNext(output: ReaderOutput<T>, maxRecords: number): InputStatus {
    const end = Math.min(this.queue.length, this.head + maxRecords);
    while (this.head < end) {
      const e = this.queue[this.head];
      this.queue[this.head++] = undefined as never;
      output.collect(e.value);
      e.split.lastId = e.id;
      e.split.entriesRead = e.entriesRead;
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
      this.resumeFetch?.();
    }
    if (this.head < this.queue.length) return 'MORE_AVAILABLE';
    if (!this.failed && (this.idleEnded || (this.splits.length === 0 && this.options.stopWhenIdleMs !== undefined))) return 'END_OF_INPUT';
    this.waiting = true;
    return 'NOTHING_AVAILABLE';
  }

  snapshotState(): readonly StreamSplit[] {
    return this.splits.map((s) => ({ stream: s.stream, lastId: s.lastId, entriesRead: s.entriesRead }));
  }

  close(): void {
    this.stopped = true;
    this.resumeFetch?.();
    if (this.client.isOpen) this.client.destroy();
  }

  private async run(): Promise<void> {
    try {
      await this.client.connect();
    } catch (e) {
      throw new ReaderFailure(`Redis source cannot connect to ${this.options.url}: ${(e as Error).message}`);
    }
    await this.resolveStartPositions();
    const { blockMs = 100 } = this.options;
    while (!this.stopped) {
      if (this.queue.length - this.head >= HIGH_WATER) {
        await new Promise<void>((resolve) => (this.resumeFetch = resolve));
        this.resumeFetch = undefined;
        continue;
      }
      const readAt = this.context.clock.now();
      const n = await this.read();
      if (this.stopped) return;
      if (n > 0) {
        this.idleSince = undefined;
        this.wake();
        continue;
      }
      this.idleSince ??= readAt;
      if (this.idleLongEnough()) return;
      // Nothing new: wait in Redis until something arrives (or blockMs passed), then read it atomically.
      const arrived = parseXReadReply(await this.client.sendCommand(['XREAD', 'BLOCK', String(blockMs), 'COUNT', '1', 'STREAMS', ...this.xreadPositions()]));
      if (this.stopped) return;
      if (arrived.size > 0) this.idleSince = undefined;
      else if (this.idleLongEnough()) return;
    }
  }

  /** After a read that reached Redis and found nothing: has that lasted stopWhenIdleMs? Then the input ends. */
  private idleLongEnough(): boolean {
    const idle = this.options.stopWhenIdleMs;
    if (idle === undefined || this.idleSince === undefined || this.context.clock.now() - this.idleSince < idle) return false;
    this.idleEnded = true;
    this.context.log('nothing new for %d ms: the input ends after %j', this.context.clock.now() - this.idleSince, Object.fromEntries(this.fetched));
    this.wake();
    return true;
  }

  /** '$' becomes the stream's last id, a fresh '0-0' learns how many entries were trimmed before it. */
  private async resolveStartPositions(): Promise<void> {
    const unresolved = [...this.fetched].filter(([, p]) => p.entriesRead === undefined && (p.id === '$' || p.id === '0-0'));
    if (unresolved.length === 0) return;
    const [infos] = await this.streamInfosAnd(
      unresolved.map(([stream]) => stream),
      undefined,
    );
    unresolved.forEach(([stream, p], i) => {
      const info = infos[i];
      if (!info) {
        p.id = '0-0';
        p.entriesRead = 0;
      } else if (p.id === '$') {
        p.id = info.lastGeneratedId;
        p.entriesRead = info.entriesAdded;
      } else {
        // From the start: before the first entry left come all that were ever deleted.
        p.entriesRead = info.entriesAdded - info.length;
      }
      const split = this.bySplit.get(stream)!;
      split.lastId = p.id;
      split.entriesRead = p.entriesRead;
    });
  }

  /** One atomic read of every stream: XINFO STREAM of each, then XREAD from the fetch positions. */
  private async read(): Promise<number> {
    const streams = [...this.fetched.keys()];
    const { batchSize = 1000, deserialize } = this.options;
    const xread = ['XREAD', 'COUNT', String(batchSize), 'STREAMS', ...this.xreadPositions()];
    const [infos, reply] = await this.streamInfosAnd(streams, xread);
    streams.forEach((stream, i) => this.checkTrim(stream, this.fetched.get(stream)!, infos[i]));
    let n = 0;
    for (const [stream, entries] of parseXReadReply(reply)) {
      const split = this.bySplit.get(stream)!;
      const position = this.fetched.get(stream)!;
      for (const raw of entries) {
        if (position.entriesRead !== undefined) position.entriesRead++;
        position.id = raw.id;
        const entry: RedisStreamEntry = { stream, id: raw.id, fields: raw.fields };
        this.queue.push({ split, id: raw.id, entriesRead: position.entriesRead, value: deserialize ? deserialize(entry) : (entry as unknown as T) });
        n++;
      }
    }
    return n;
  }

  /**
   * Entries after the position that were deleted before they were read: the stream now starts
   * after the position (trims cut from the front), and fewer entries follow it than were added
   * since it.
   */
  private checkTrim(stream: string, position: Position, info: StreamInfo | undefined): void {
    if (info === undefined || position.entriesRead === undefined) return;
    if (info.firstEntryId !== undefined && compareStreamIds(info.firstEntryId, position.id) <= 0) return;
    const lost = info.entriesAdded - position.entriesRead - info.length;
    if (lost <= 0) return;
    const what = `Redis stream '${stream}' at ${this.options.url} was trimmed past the position the source reads from (${position.id})`;
    if ((this.options.onTrimmed ?? 'fail') === 'fail') {
      const now = info.firstEntryId === undefined ? 'the stream is now empty' : `the stream now starts at ${info.firstEntryId}`;
      throw new ReaderFailure(
        `${what}: ${lost} entries after it were deleted unread (${now}). Set the source's onTrimmed: 'earliest' to go on from the first entry left.`,
      );
    }
    this.skippedByTrim += lost;
    position.entriesRead += lost;
    const from = info.firstEntryId === undefined ? 'the next entry added' : info.firstEntryId;
    this.context.warn(`${what}: skipped ${lost} entries deleted unread; going on from ${from} (onTrimmed: 'earliest')`);
  }

  private xreadPositions(): string[] {
    return [...this.fetched.keys(), ...[...this.fetched.values()].map((p) => p.id)];
  }

  /**
   * XINFO STREAM of each stream (undefined for one that does not exist), and the reply of one
   * more command, in one MULTI: all of it one moment of the server's state.
   */
  private async streamInfosAnd(streams: readonly string[], command: string[] | undefined): Promise<[Array<StreamInfo | undefined>, unknown]> {
    const multi = this.client.multi();
    for (const s of streams) multi.addCommand(['XINFO', 'STREAM', s]);
    if (command) multi.addCommand(command);
    let replies: unknown[];
    try {
      replies = (await multi.exec()) as unknown[];
    } catch (e) {
      if (!(e instanceof MultiErrorReply)) throw e;
      for (const i of e.errorIndexes) {
        const missingStream = i < streams.length && /no such key/i.test((e.replies[i] as Error).message);
        if (!missingStream) throw e.replies[i] as Error;
      }
      replies = e.replies as unknown[];
    }
    const infos = streams.map((s, i) => (replies[i] instanceof Error ? undefined : parseStreamInfo(s, replies[i])));
    return [infos, command ? replies[streams.length] : undefined];
  }

  private fail(e: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.failed = true;
    const error =
      e instanceof ReaderFailure
        ? e
        : e instanceof ErrorReply
          ? new ReaderFailure(`Redis source ${this.options.url} got an error reply: ${e.message}`)
          : new ReaderFailure(`Redis source lost its connection to ${this.options.url}: ${(e as Error).message}`);
    // Closed now, so nothing keeps the process alive once the job gave up.
    if (this.client.isOpen) this.client.destroy();
    this.context.warn(`${error.message}; failing the source (the job restarts if its restart strategy allows)`);
    this.context.fail(error);
  }

  private wake(): void {
    if (this.waiting) {
      this.waiting = false;
      this.context.wakeup();
    }
  }
}
