import { SnapshotKind } from './CheckpointBarrier';

/** One completed checkpoint, as Flink's checkpoint history shows it. */
export interface CompletedCheckpointStats {
  readonly checkpointId: number;
  readonly kind: SnapshotKind;
  readonly triggerTime: number;
  /** Trigger to completion (every acknowledgement in and the checkpoint made durable). */
  readonly durationMs: number;
  readonly stateSize: number;
  readonly numSubtasks: number;
  /** The longest barrier alignment among subtasks. */
  readonly maxAlignmentDurationMs: number;
  /** The longest synchronous part: how long a subtask stopped processing records to snapshot. */
  readonly maxSyncDurationMs: number;
  readonly maxAsyncDurationMs: number;
  readonly path: string | undefined;
}

export interface CheckpointStatsSnapshot {
  readonly counts: { readonly triggered: number; readonly inProgress: number; readonly completed: number; readonly failed: number; readonly restored: number };
  readonly latestCompleted: CompletedCheckpointStats | undefined;
  readonly latestFailed: { readonly checkpointId: number; readonly reason: string; readonly failureTime: number } | undefined;
  readonly latestRestored: { readonly checkpointId: number; readonly path: string | undefined; readonly restoreTime: number } | undefined;
  /** The last completed ones, oldest first (at most 10). */
  readonly history: readonly CompletedCheckpointStats[];
}
