import { ForwardableSink } from './ForwardableSink';
import { SinkContext, SinkFunction, SinkRuntimeContext } from './SinkFunction';

export interface CollectedRecord<T> {
  readonly value: T;
  readonly timestamp: number | undefined;
  readonly subtaskIndex: number;
}

/**
 * Gathers every record in memory, with its timestamp and the subtask that received it: the sink
 * tests read. Records are kept in arrival order per subtask. On TaskManager worker threads the
 * writers post each batch to the submitter's CollectSink (values must be structured-cloneable).
 */
export class CollectSink<T> implements ForwardableSink<T> {
  readonly name = 'Collect Sink';
  readonly records: CollectedRecord<T>[] = [];
  private forward: ((results: unknown) => void) | undefined;

  get values(): T[] {
    return this.records.map((r) => r.value);
  }

  /** Values received by one subtask, in order. */
  valuesOf(subtaskIndex: number): T[] {
    return this.records.filter((r) => r.subtaskIndex === subtaskIndex).map((r) => r.value);
  }

  createWriter(ctx: SinkRuntimeContext): SinkFunction<T> {
    const forward = this.forward;
    if (!forward) {
      const records = this.records;
      return {
        invoke(value: T, c: SinkContext): void {
          records.push({ value, timestamp: c.timestamp, subtaskIndex: ctx.subtaskIndex });
        },
      };
    }
    let pending: CollectedRecord<T>[] = [];
    const post = (): void => {
      if (pending.length === 0) return;
      forward(pending);
      pending = [];
    };
    return {
      invoke(value: T, c: SinkContext): void {
        pending.push({ value, timestamp: c.timestamp, subtaskIndex: ctx.subtaskIndex });
      },
      flush: post,
      finish: post,
      close: post,
    };
  }

  forwardTo(post: (results: unknown) => void): void {
    this.forward = post;
  }

  acceptForwarded(results: unknown): void {
    for (const r of results as CollectedRecord<T>[]) this.records.push(r);
  }
}
