/**
 * Flink's CheckpointType, reduced to what brook distinguishes: a periodic or on-demand
 * checkpoint, a savepoint (kept until the user deletes it), and the savepoint of
 * stop-with-savepoint, after which the sources stop and the job finishes.
 */
export type SnapshotKind = 'CHECKPOINT' | 'SAVEPOINT' | 'SAVEPOINT_SUSPEND';

/** Flink's CheckpointingMode: align barriers (exactly once) or not (at least once). */
export type CheckpointingMode = 'EXACTLY_ONCE' | 'AT_LEAST_ONCE';

import { CheckpointLocation } from './CheckpointLocation';

/**
 * The barrier that travels in band from the sources: everything before it on a channel belongs
 * to checkpoint `checkpointId`, everything after it to the next one.
 */
export interface CheckpointBarrier {
  readonly checkpointId: number;
  /** Processing time at which the coordinator triggered it. */
  readonly timestamp: number;
  readonly kind: SnapshotKind;
  /**
   * Where subtasks write their state: the checkpoint's (in-progress) directory and the copies
   * of each file to write, or undefined for in-memory storage (the state then travels with the
   * acknowledgement).
   */
  readonly location: CheckpointLocation | undefined;
}

export function isSavepoint(kind: SnapshotKind): boolean {
  return kind !== 'CHECKPOINT';
}
