import { ForwardsResults } from '../../lib/connectors/sink/ForwardableSink';
import { SinkContext } from '../../lib/connectors/sink/SinkFunction';
import { TransactionalSinkContext, TwoPhaseCommitSink, TwoPhaseCommitWriter } from '../../lib/connectors/sink/TwoPhaseCommitSink';

interface Txn {
  readonly id: string;
}

/**
 * An in-memory two-phase-commit sink for tests: records are staged per transaction and appear in
 * `committed` only when the transaction commits (at most once per transaction id, however often
 * the commit is retried). Staged data of transactions never committed stays invisible.
 * On a TaskManager thread, what a commit makes visible is posted to the submitter's instance
 * (staging stays on the thread: it does not outlive the thread, as an external system's would).
 */
export class TransactionalCollectSink<T> implements TwoPhaseCommitSink<T, Txn>, ForwardsResults {
  readonly name = 'Transactional Collect Sink';
  readonly transactional = true as const;
  readonly committed: T[] = [];
  readonly committedTransactions = new Set<string>();
  numCommitCalls = 0;
  numAborts = 0;
  private readonly staged = new Map<string, T[]>();
  private forward: ((results: unknown) => void) | undefined;

  /** Records written into transactions not committed (yet): invisible to readers. */
  get numStaged(): number {
    let n = 0;
    for (const s of this.staged.values()) n += s.length;
    return n;
  }

  createWriter(ctx: TransactionalSinkContext): TwoPhaseCommitWriter<T, Txn> {
    let seq = 0;
    const staged = this.staged;
    return {
      beginTransaction: (checkpointId: number): Txn => {
        const id = `${ctx.jobId}/${ctx.attemptNumber}/${ctx.subtaskIndex}/${checkpointId}/${seq++}`;
        staged.set(id, []);
        return { id };
      },
      invoke: (txn: Txn, value: T, _c: SinkContext): void => {
        staged.get(txn.id)?.push(value);
      },
      preCommit: async (): Promise<void> => {},
      commit: async (txn: Txn): Promise<void> => {
        this.numCommitCalls++;
        if (this.committedTransactions.has(txn.id)) return;
        this.committedTransactions.add(txn.id);
        const records = staged.get(txn.id) ?? [];
        staged.delete(txn.id);
        if (this.forward) {
          if (records.length > 0) this.forward(records);
        } else this.committed.push(...records);
      },
      abort: async (txn: Txn): Promise<void> => {
        this.numAborts++;
        staged.delete(txn.id);
      },
    };
  }

  forwardTo(post: (results: unknown) => void): void {
    this.forward = post;
  }

  acceptForwarded(results: unknown): void {
    this.committed.push(...(results as T[]));
  }
}
