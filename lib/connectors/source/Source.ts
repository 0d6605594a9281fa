import type { TraceLog } from '../../util/TraceLog';
import { Clock } from '../../time/Clock';
import type { CheckpointingMode } from '../../runtime/checkpoint/CheckpointBarrier';

/** Flink FLIP-27's InputStatus: what a reader says after each poll. */
export type InputStatus = 'MORE_AVAILABLE' | 'NOTHING_AVAILABLE' | 'END_OF_INPUT';

export interface ReaderOutput<T> {
  /** Emits a record; `timestamp` is its event time when the source knows it. */
  collect(value: T, timestamp?: number): void;
}

export interface SourceReaderContext {
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly clock: Clock;
  readonly log: TraceLog;
  /** Call when data became available after pollNext returned NOTHING_AVAILABLE. */
  wakeup(): void;
  /** Call when the reader failed outside pollNext (a socket error, say): fails the task. */
  fail(error: Error): void;
  /** A warning the user must see (on the job's stderr, naming the source), e.g. entries skipped. */
  warn(message: string): void;
  /** Input the reader could not make a record of (a line over the maximum length): counted with malformed records and warned. */
  skipRecord(reason: string): void;
  /** Where the reader registers its own metrics (Flink's SourceReaderContext#metricGroup). */
  readonly metricGroup: SourceReaderMetricGroup;
  /**
   * On restore from a checkpoint: the splits (with their positions) this reader takes over, as
   * some reader's snapshotState returned them; undefined on a fresh start.
   */
  readonly restoredSplits?: readonly unknown[];
  /** The job's checkpointing mode; undefined when it does not checkpoint. */
  readonly checkpointingMode?: CheckpointingMode;
}

export interface SourceReaderMetricGroup {
  /** A value read whenever metrics are collected, e.g. a counter the reader keeps; null: none now. */
  gauge(name: string, read: () => number | null): void;
}

/**
 * Reads one parallel part of a source. The task polls it while its output has credit; when
 * downstream is slow the task stops polling and the reader must stop reading (pause the
 * socket, stop reading the file): that is how backpressure reaches the outside world.
 */
export interface SourceReader<T> {
  start(): void;
  /** Emit at most `maxRecords` records, then say whether more are available. */
  pollNext(output: ReaderOutput<T>, maxRecords: number): InputStatus;
  close(): void;
  /**
   * Checkpointing (Flink's SourceReader#snapshotState): the reader's splits with the position
   * just after the last record it emitted, as plain data. A reader without it cannot rewind:
   * after a restore it starts from scratch (not exactly once).
   */
  snapshotState?(checkpointId: number): readonly unknown[];
  notifyCheckpointComplete?(checkpointId: number): void;
}

export type Boundedness = 'BOUNDED' | 'CONTINUOUS_UNBOUNDED';

/** A source definition; `createReader` is called once per parallel subtask. */
export interface Source<T> {
  readonly name: string;
  readonly boundedness: Boundedness;
  /** 1 for sources that cannot run in parallel (socket, collection). */
  readonly maxSourceParallelism?: number;
  /**
   * True when the reader gives records their event time (`collect(value, timestamp)`), so that
   * event-time windows downstream need no assignTimestampsAndWatermarks. Absent: the records
   * have none, and a job with an event-time window on them is refused when its graph is built.
   */
  readonly attachesTimestamps?: boolean;
  createReader(context: SourceReaderContext): SourceReader<T>;
}
