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
