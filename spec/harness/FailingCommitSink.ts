import { SinkContext } from '../../lib/connectors/sink/SinkFunction';
import { TransactionalSinkContext, TwoPhaseCommitSink, TwoPhaseCommitWriter } from '../../lib/connectors/sink/TwoPhaseCommitSink';
import { TestFailure } from './FailAfterRecords';

/**
 * Where the first attempt of one sink subtask fails: after writing N records into its
 * transactions, or in its Nth commit, before the commit is applied or after it was applied
 * (the commit then fails as if the answer of the external system was lost).
 */
export type CommitFailure = { readonly afterRecords: number } | { readonly inCommit: number; readonly phase: 'before' | 'after' };

/**
 * Wraps a two-phase-commit sink so that subtask `subtask` fails in attempt 0 as `failure`
 * says; other subtasks and later attempts write through unchanged. A failing commit rejects,
 * which fails the task as any failed commit does.
 */
export class FailingCommitSink<T, TXN> implements TwoPhaseCommitSink<T, TXN> {
  readonly transactional = true as const;
  readonly name: string;

  constructor(
    private readonly sink: TwoPhaseCommitSink<T, TXN>,
    private readonly subtask: number,
    private readonly failure: CommitFailure,
  ) {
    this.name = sink.name;
  }

  createWriter(context: TransactionalSinkContext): TwoPhaseCommitWriter<T, TXN> {
    const writer = this.sink.createWriter(context);
    if (context.subtaskIndex !== this.subtask || context.attemptNumber !== 0) return writer;
    const failure = this.failure;
    const where = `sink subtask ${this.subtask} attempt 0`;
    let records = 0;
    let commits = 0;
    return {
      ...bind(writer),
      invoke: (txn: TXN, value: T, c: SinkContext): void => {
        writer.invoke(txn, value, c);
        if ('afterRecords' in failure && ++records === failure.afterRecords) throw new TestFailure(`test failure in ${where} after ${records} records`);
      },
      commit: async (txn: TXN): Promise<void> => {
        const failsHere = 'inCommit' in failure && ++commits === failure.inCommit;
        if (failsHere && failure.phase === 'before') throw new TestFailure(`test failure in ${where} before commit ${commits}`);
        await writer.commit(txn);
        if (failsHere && failure.phase === 'after') throw new TestFailure(`test failure in ${where} after commit ${commits} was applied`);
      },
    };
  }
}

/** The writer's methods bound to it, so that they can be spread into a wrapper. */
export function bind<T, TXN>(writer: TwoPhaseCommitWriter<T, TXN>): TwoPhaseCommitWriter<T, TXN> {
  return {
    beginTransaction: (id) => writer.beginTransaction(id),
    invoke: (txn, value, c) => writer.invoke(txn, value, c),
    flush: writer.flush && ((txn) => writer.flush!(txn)),
    preCommit: (txn) => writer.preCommit(txn),
    commit: (txn) => writer.commit(txn),
    abort: (txn) => writer.abort(txn),
    recoverAndCommit: writer.recoverAndCommit && ((txn) => writer.recoverAndCommit!(txn)),
    recoverAndAbort: writer.recoverAndAbort && ((txn) => writer.recoverAndAbort!(txn)),
    close: writer.close && (() => writer.close!()),
  };
}
