/** What a sink learns about the subtask it runs in. */
import { TextWriter } from '../../runtime/StreamOperator';

export interface SinkRuntimeContext {
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly taskName: string;
  /** The TaskManager's standard output and error (where print() writes, as in Flink). */
  readonly stdout: TextWriter;
  readonly stderr: TextWriter;
}

/** What a sink learns about each record. */
export interface SinkContext {
  /** The record's event timestamp, or undefined when it has none. */
  readonly timestamp: number | undefined;
  readonly currentWatermark: number;
  readonly currentProcessingTime: number;
}

/**
 * A user sink, as Flink's (Rich)SinkFunction. `finish` runs once when the input has ended
 * (bounded jobs), before `close`; `close` also runs when the job is cancelled or fails.
 */
export interface SinkFunction<T> {
  open?(context: SinkRuntimeContext): void;
  invoke(value: T, context: SinkContext): void;
  /**
   * Called after every delivered batch; sinks that buffer may write here. A promise returned
   * holds the task's input until it settles (backpressure from the sink's destination); a
   * rejection fails the task.
   */
  flush?(): void | Promise<void>;
  finish?(): void;
  close?(): void;
}

/** A sink definition that creates one SinkFunction per parallel subtask (Flink's Sink#createWriter). */
export interface Sink<T> {
  readonly name: string;
  createWriter(context: SinkRuntimeContext): SinkFunction<T>;
}

export function isSink<T>(x: Sink<T> | SinkFunction<T> | ((value: T, ctx: SinkContext) => void)): x is Sink<T> {
  return typeof x === 'object' && x !== null && typeof (x as Sink<T>).createWriter === 'function';
}
