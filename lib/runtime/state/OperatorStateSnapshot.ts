/**
 * What an operator hands the checkpoint at a barrier, and gets back on restore. Values must be
 * plain, structured-clone-able data (v8.serialize): checkpoints are written to disk and cross
 * worker threads. Taking the snapshot must be cheap (a reference to immutable state or a
 * copy-on-write view); turning it into bytes happens later, off the record path.
 */
export interface OperatorStateSnapshot {
  /**
   * Keyed state, by key group. On restore with another parallelism each subtask receives the
   * key groups of its new KeyGroupRange, gathered from every old subtask.
   */
  readonly keyed?: ReadonlyMap<number, unknown>;
  /**
   * Non-keyed state as a list of entries (Flink's operator ListState, e.g. source positions).
   * On rescale the entries of all old subtasks are split round robin over the new ones.
   */
  readonly operator?: readonly unknown[];
}

export interface StateSnapshotContext {
  readonly checkpointId: number;
  /** Processing time at the barrier. */
  readonly timestamp: number;
}

export interface StateInitializationContext {
  /** True when the operator is restored from a checkpoint or savepoint. */
  readonly isRestored: boolean;
  /**
   * The id of the checkpoint or savepoint the job restored from (Flink's
   * getRestoredCheckpointId), also for an operator that had no state in it; undefined on a
   * fresh start. State alone does not tell it: a subtask that finished early carries the state of
   * its final checkpoint into every later one.
   */
  readonly restoredCheckpointId: number | undefined;
  /** The key groups this subtask owns: [start, end] inclusive. */
  readonly keyGroupRange: { readonly start: number; readonly end: number };
  /** Keyed state of the key groups in keyGroupRange, gathered from the old subtasks. */
  readonly keyed: ReadonlyMap<number, unknown>;
  /** This subtask's share of the old operator state entries. */
  readonly operator: readonly unknown[];
}
