import { isMainThread } from 'worker_threads';
import { AbstractStreamOperator } from '../../lib/runtime/AbstractStreamOperator';

/**
 * How the first attempt fails: a task failure (the operator throws), or the death of the
 * TaskManager thread it runs on (process.exit in the thread, or an error thrown outside any
 * actor, which the thread cannot catch).
 */
export type FirstAttemptFailure = 'throw' | 'exitThread' | 'uncaughtInThread';

/**
 * Passes records on, except in attempt 0 of the job: there the first record at or above
 * `failFrom` fails subtask `failingSubtask` as `failure` says, and the other subtasks drop
 * records from `failFrom` on, so that nothing from `failFrom` on gets past attempt 0 and a
 * restart that replays them gives the fault-free output.
 */
export class FailOnFirstAttempt<T extends number> extends AbstractStreamOperator<T, T> {
  private failed = false;

  constructor(
    name: string,
    private readonly failure: FirstAttemptFailure,
    private readonly failFrom: number,
    private readonly failingSubtask = 0,
  ) {
    super(name);
  }

  processElement(value: T, timestamp: number): void {
    if (this.context.attemptNumber > 0 || value < this.failFrom) {
      this.output.collect(value, timestamp);
      return;
    }
    if (this.context.subtaskIndex !== this.failingSubtask || this.failed) return;
    this.failed = true;
    switch (this.failure) {
      case 'throw':
        throw new Error(`attempt 0 fails on ${value}`);
      case 'exitThread':
        // Never end the test runner itself: this failure is for TaskManager threads.
        if (isMainThread) throw new Error('exitThread fails only TaskManager threads');
        process.exit(3);
        break;
      case 'uncaughtInThread':
        queueMicrotask(() => {
          throw new Error(`uncaught on the thread at ${value}`);
        });
        break;
    }
  }
}
