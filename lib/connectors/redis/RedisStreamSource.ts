import { Boundedness, Source, SourceReader, SourceReaderContext } from '../source/Source';
import { RedisStreamReader, StreamSplit } from './RedisStreamReader';

/** One entry of a Redis stream. */
export interface RedisStreamEntry {
  readonly stream: string;
  readonly id: string;
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * What the source does when a stream was trimmed (XTRIM, XADD MAXLEN/MINID) past its position,
 * deleting entries it had not read yet (as Kafka's auto.offset.reset for an offset out of range):
 * 'fail' fails the reader with an error naming the stream, the position and how many entries
 * are gone; 'earliest' warns, counts them (gauge numEntriesSkippedByTrim) and goes on from the
 * first entry left.
 */
export type OnTrimmed = 'fail' | 'earliest';

export interface RedisStreamSourceOptions<T> {
  /** redis://host:port */
  readonly url: string;
  /** The streams to read; parallel subtasks split them (stream j goes to subtask j mod p). */
  readonly streams: readonly string[];
  /** Turns an entry into a record; default: the entry itself. */
  readonly deserialize?: (entry: RedisStreamEntry) => T;
  /**
   * Where a fresh start begins: '0' (the whole stream, default) or '$' (only entries added after
   * the start: the stream's last id is read at start, so even the first checkpoint holds an id).
   */
  readonly startFrom?: '0' | '$';
  /** Entries per XREAD (default 1000). */
  readonly batchSize?: number;
  /** How long one XREAD blocks waiting for entries (default 100 ms). */
  readonly blockMs?: number;
  /**
   * Treat the input as ended once reads that reached Redis found no new entry for this long (the
   * source becomes bounded). Time Redis cannot be reached never counts: that fails the reader.
   */
  readonly stopWhenIdleMs?: number;
  /** How long connecting may take before Redis counts as unreachable (default 5000 ms). */
  readonly connectTimeoutMs?: number;
  /** A stream trimmed past the position: 'fail' (default) or 'earliest'. */
  readonly onTrimmed?: OnTrimmed;
}

/**
 * Reads Redis Streams (node-redis). The position of each stream, the id of the last entry
 * emitted downstream, is the reader's checkpointed state: restored, it reads on from just after
 * it, so every entry counts once. A lost or refused connection fails the reader (the job then
 * restarts from its latest checkpoint as its restart strategy allows); it is never mistaken for
 * an idle stream.
 */
export class RedisStreamSource<T = RedisStreamEntry> implements Source<T> {
  readonly name: string;
  readonly boundedness: Boundedness;
  readonly maxSourceParallelism: number;

  constructor(private readonly options: RedisStreamSourceOptions<T>) {
    if (options.streams.length === 0) throw new Error('RedisStreamSource needs at least one stream');
    if (options.onTrimmed !== undefined && options.onTrimmed !== 'fail' && options.onTrimmed !== 'earliest') {
      throw new Error(`RedisStreamSource: onTrimmed must be 'fail' or 'earliest', not '${String(options.onTrimmed)}'`);
    }
    this.name = `Redis Streams(${options.streams.join(', ')})`;
    this.maxSourceParallelism = options.streams.length;
    this.boundedness = options.stopWhenIdleMs !== undefined ? 'BOUNDED' : 'CONTINUOUS_UNBOUNDED';
  }

  createReader(context: SourceReaderContext): SourceReader<T> {
    const { streams, startFrom = '0' } = this.options;
    const restored = context.restoredSplits as readonly StreamSplit[] | undefined;
    const splits: StreamSplit[] = restored
      ? restored.map((s) => ({ stream: s.stream, lastId: s.lastId, entriesRead: s.entriesRead }))
      : streams
          .filter((_, j) => j % context.parallelism === context.subtaskIndex)
          .map((stream) => ({ stream, lastId: startFrom === '$' ? '$' : '0-0', entriesRead: undefined }));
    return new RedisStreamReader<T>(this.options, splits, context);
  }
}
