import { KeyedStateStore } from '../state/KeyedStateStore';

/** What a rich function knows about where it runs, and its keyed state (Flink's RuntimeContext). */
export interface RuntimeContext extends KeyedStateStore {
  getTaskName(): string;
  getIndexOfThisSubtask(): number;
  getNumberOfParallelSubtasks(): number;
  getMaxNumberOfParallelSubtasks(): number;
}

/**
 * Flink's AbstractRichFunction: `open` and `close` around the function's life, and the runtime
 * context (keyed state) while it runs. Each parallel subtask works on its own copy of the
 * function object (as Flink deserializes one per subtask), so fields set in `open` are per subtask.
 */
export abstract class AbstractRichFunction {
  private runtimeContext: RuntimeContext | undefined;

  open(): void {}

  close(): void {}

  getRuntimeContext(): RuntimeContext {
    if (!this.runtimeContext) throw new Error(`${this.constructor.name}: the runtime context is only available once the job runs (in open() and later)`);
    return this.runtimeContext;
  }

  /** @internal */
  setRuntimeContext(context: RuntimeContext): void {
    this.runtimeContext = context;
  }
}

/** A per-subtask copy of a user function object: same prototype, own fields. */
export function copyFunction<F extends object>(fn: F): F {
  return Object.assign(Object.create(Object.getPrototypeOf(fn) as object) as F, fn);
}
