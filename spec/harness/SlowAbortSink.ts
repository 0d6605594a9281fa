import { SinkContext } from '../../lib/connectors/sink/SinkFunction';
import { TransactionalSinkContext, TwoPhaseCommitSink, TwoPhaseCommitWriter } from '../../lib/connectors/sink/TwoPhaseCommitSink';

interface Txn {
  readonly id: string;
}

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

/**
 * A two-phase-commit sink whose writers of attempt 0 fail on the record 'fail' and abort
 * slowly: an abort of attempt 0 ends when a writer of a later attempt is created, or after
 * `abortTurns` event-loop turns, whichever comes first. `events` tells in which order writers
 * were opened and aborts ended, so a test sees whether a restart waited for the old attempt's
 * clean-up.
 */
export class SlowAbortSink implements TwoPhaseCommitSink<string, Txn> {
  readonly name = 'Slow Abort Sink';
  readonly transactional = true as const;
  readonly events: string[] = [];
  private writerOfLaterAttempt: () => void = () => undefined;
  private readonly laterAttemptStarted = new Promise<void>((resolve) => (this.writerOfLaterAttempt = resolve));

  constructor(private readonly abortTurns = 200) {}

  createWriter(ctx: TransactionalSinkContext): TwoPhaseCommitWriter<string, Txn> {
    const who = `attempt ${ctx.attemptNumber} subtask ${ctx.subtaskIndex}`;
    this.events.push(`opened ${who}`);
    if (ctx.attemptNumber > 0) this.writerOfLaterAttempt();
    let seq = 0;
    return {
      beginTransaction: (checkpointId: number): Txn => ({ id: `${who}/${checkpointId}/${seq++}` }),
      invoke: (_txn: Txn, value: string, _c: SinkContext): void => {
        if (value === 'fail' && ctx.attemptNumber === 0) throw new Error(`test failure in ${who}`);
      },
      preCommit: async (): Promise<void> => {},
      commit: async (): Promise<void> => {},
      abort: async (): Promise<void> => {
        if (ctx.attemptNumber === 0) await Promise.race([this.laterAttemptStarted, turns(this.abortTurns)]);
        this.events.push(`aborted ${who}`);
      },
    };
  }
}
