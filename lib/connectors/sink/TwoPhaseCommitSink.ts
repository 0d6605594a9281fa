import { SinkContext, SinkRuntimeContext } from './SinkFunction';

/** What a transactional writer learns about its subtask and the job. */
export interface TransactionalSinkContext extends SinkRuntimeContext {
  /**
   * The job run (the job's id, or a new one for each recovery of the job by a new leader); with
   * the attempt number, it tells this run's transactions from a dead run's.
   */
  readonly jobId: string;
  readonly attemptNumber: number;
  /**
   * On restore: the checkpoint or savepoint the job restarted from. Transactions other runs
   * opened at or after it are in no checkpoint that can be restored: orphans to clean up.
   */
  readonly restoredCheckpointId: number | undefined;
}

/**
 * A sink that writes through transactions tied to checkpoints (Flink's
 * TwoPhaseCommitSinkFunction): records go into the open transaction; at a barrier it is
 * pre-committed (made durable, not visible) and a new one opens; when that checkpoint completes
 * it is committed (made visible). A transaction is plain data (it is stored in checkpoints);
 * `commit` must be idempotent, since after a crash the same transaction may be committed again.
 */
export interface TwoPhaseCommitSink<IN, TXN> {
  readonly name: string;
  readonly transactional: true;
  createWriter(context: TransactionalSinkContext): TwoPhaseCommitWriter<IN, TXN>;
}

export interface TwoPhaseCommitWriter<IN, TXN> {
  /** Opens a transaction; `checkpointId` is the last barrier the subtask passed (0 before any). */
  beginTransaction(checkpointId: number): TXN;
  invoke(transaction: TXN, value: IN, context: SinkContext): void;
  /** After each batch: a writer that buffers may send what it has to the transaction. */
  flush?(transaction: TXN): void;
  /** Makes the transaction durable (not yet visible); the checkpoint waits for it. */
  preCommit(transaction: TXN): Promise<void>;
  /** Makes it visible, atomically; a second commit of the same transaction changes nothing. */
  commit(transaction: TXN): Promise<void>;
  abort(transaction: TXN): Promise<void>;
  /** On restore, for transactions pre-committed in the restored checkpoint. Default: commit. */
  recoverAndCommit?(transaction: TXN): Promise<void>;
  /** On restore, for the transaction that was open at the checkpoint. Default: abort. */
  recoverAndAbort?(transaction: TXN): Promise<void>;
  close?(): Promise<void>;
}

export function isTwoPhaseCommitSink(x: unknown): x is TwoPhaseCommitSink<unknown, unknown> {
  return typeof x === 'object' && x !== null && (x as { transactional?: unknown }).transactional === true;
}
