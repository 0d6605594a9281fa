import { AbstractStreamOperator } from '../../lib/runtime/AbstractStreamOperator';

/**
 * A pass-through operator that fails its task when it hears that checkpoint `checkpointId`
 * completed, in subtask `subtask` of attempt 0 only. Chained in front of a two-phase-commit
 * sink, it fails the task after the checkpoint completed and before the sink committed it
 * (a chain hears of completion head first).
 */
export class FailOnCheckpointComplete<T> extends AbstractStreamOperator<T, T> {
  constructor(
    private readonly checkpointId: number,
    private readonly subtask: number,
  ) {
    super('Fail On Checkpoint Complete');
  }

  processElement(value: T, timestamp: number): void {
    this.output.collect(value, timestamp);
  }

  notifyCheckpointComplete(checkpointId: number): void {
    if (checkpointId === this.checkpointId && this.context.subtaskIndex === this.subtask && this.context.attemptNumber === 0) {
      throw new Error(`test failure: subtask ${this.subtask} fails before committing checkpoint ${checkpointId}`);
    }
  }
}
