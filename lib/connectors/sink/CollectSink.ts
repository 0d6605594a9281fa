import { Sink, SinkContext, SinkFunction, SinkRuntimeContext } from './SinkFunction';

export interface CollectedRecord<T> {
  readonly value: T;
  readonly timestamp: number | undefined;
  readonly subtaskIndex: number;
}

/**
 * Gathers every record in memory, with its timestamp and the subtask that received it: the sink
 * tests read. Records are kept in arrival order per subtask.
 */
export class CollectSink<T> implements Sink<T> {
  readonly name = 'Collect Sink';
  readonly records: CollectedRecord<T>[] = [];

  get values(): T[] {
    return this.records.map((r) => r.value);
  }

  /** Values received by one subtask, in order. */
  valuesOf(subtaskIndex: number): T[] {
    return this.records.filter((r) => r.subtaskIndex === subtaskIndex).map((r) => r.value);
  }

  createWriter(ctx: SinkRuntimeContext): SinkFunction<T> {
    const records = this.records;
    return {
      invoke(value: T, c: SinkContext): void {
        records.push({ value, timestamp: c.timestamp, subtaskIndex: ctx.subtaskIndex });
      },
    };
  }
}
