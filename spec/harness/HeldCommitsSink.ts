import { SinkContext } from '../../lib/connectors/sink/SinkFunction';
import { TransactionalSinkContext, TwoPhaseCommitSink, TwoPhaseCommitWriter } from '../../lib/connectors/sink/TwoPhaseCommitSink';

/**
 * Wraps a two-phase-commit sink so that every commit and abort its writers are asked for (the
 * recovery's too) waits until the test calls `release()`: a run can take and complete
 * checkpoints while its commits are still under way, and die before any of them landed, as a
 * slow connection to the external system makes it do. Everything else goes straight through.
 */
export class HeldCommitsSink<T, TXN> implements TwoPhaseCommitSink<T, TXN> {
  readonly name: string;
  readonly transactional = true as const;
  /** Commits and aborts asked for so far, in order (`commit <what>` / `abort <what>`), held or not. */
  readonly asked: string[] = [];
  private releaseAll: () => void = () => undefined;
  private readonly released = new Promise<void>((resolve) => (this.releaseAll = resolve));

  constructor(
    private readonly inner: TwoPhaseCommitSink<T, TXN>,
    private readonly describe: (txn: TXN) => string = (txn) => JSON.stringify(txn),
  ) {
    this.name = inner.name;
  }

  release(): void {
    this.releaseAll();
  }

  createWriter(context: TransactionalSinkContext): TwoPhaseCommitWriter<T, TXN> {
    const writer = this.inner.createWriter(context);
    const held =
      (what: 'commit' | 'abort', run: (txn: TXN) => Promise<void>) =>
      async (txn: TXN): Promise<void> => {
        this.asked.push(`${what} ${this.describe(txn)}`);
        await this.released;
        await run(txn);
      };
    return {
      beginTransaction: (checkpointId: number): TXN => writer.beginTransaction(checkpointId),
      invoke: (txn: TXN, value: T, c: SinkContext): void => writer.invoke(txn, value, c),
      flush: writer.flush && ((txn: TXN): void => writer.flush!(txn)),
      preCommit: (txn: TXN): Promise<void> => writer.preCommit(txn),
      commit: held('commit', (txn) => writer.commit(txn)),
      abort: held('abort', (txn) => writer.abort(txn)),
      close: writer.close && ((): Promise<void> => writer.close!()),
    };
  }
}
