import { AbstractStreamOperator } from '../../lib/runtime/AbstractStreamOperator';

/** Thrown by the failing test operators and sinks, so that a test can tell its failure from a real one. */
export class TestFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TestFailure';
  }
}

/**
 * A pass-through operator that fails its task once it has passed on `records` records, in
 * subtask `subtask` of the attempts listed (the first run only, unless told). Chained behind
 * another operator (a source, a keyed counter), it fails that operator's task at that point.
 */
export class FailAfterRecords<T> extends AbstractStreamOperator<T, T> {
  private seen = 0;

  constructor(
    private readonly records: number,
    private readonly subtask: number,
    private readonly attempts: readonly number[] = [0],
  ) {
    super('Fail After Records');
  }

  processElement(value: T, timestamp: number): void {
    this.output.collect(value, timestamp);
    if (this.context.subtaskIndex !== this.subtask || !this.attempts.includes(this.context.attemptNumber)) return;
    if (++this.seen === this.records) {
      throw new TestFailure(`test failure in subtask ${this.subtask} attempt ${this.context.attemptNumber} after ${this.seen} records`);
    }
  }
}
