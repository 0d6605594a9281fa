import { TransactionalSinkContext, TwoPhaseCommitSink, TwoPhaseCommitWriter } from '../../lib/connectors/sink/TwoPhaseCommitSink';
import { TestFailure } from './FailAfterRecords';
import { bind } from './FailingCommitSink';

/** A switch the test holds: armed, the next pre-commit of any subtask of the sink fails (once). */
export interface PreCommitFailureSwitch {
  armed: boolean;
}

/**
 * Wraps a two-phase-commit sink so that, once the test armed the switch, the next pre-commit
 * rejects: the subtask declines that checkpoint or savepoint (the asynchronous part of a
 * snapshot failed) at the moment the test chose. The job runs in the test's process, so the
 * switch is shared.
 */
export class FailNextPreCommit<T, TXN> implements TwoPhaseCommitSink<T, TXN> {
  readonly transactional = true as const;
  readonly name: string;

  constructor(
    private readonly sink: TwoPhaseCommitSink<T, TXN>,
    private readonly failure: PreCommitFailureSwitch,
  ) {
    this.name = sink.name;
  }

  createWriter(context: TransactionalSinkContext): TwoPhaseCommitWriter<T, TXN> {
    const writer = this.sink.createWriter(context);
    return {
      ...bind(writer),
      preCommit: async (txn: TXN): Promise<void> => {
        if (this.failure.armed) {
          this.failure.armed = false;
          throw new TestFailure(`test failure in a pre-commit of sink subtask ${context.subtaskIndex}`);
        }
        await writer.preCommit(txn);
      },
    };
  }
}
