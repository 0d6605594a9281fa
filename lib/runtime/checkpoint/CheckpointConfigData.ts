import { CheckpointingMode } from './CheckpointBarrier';
import { CheckpointStorageConfig } from './CheckpointStorage';

/** The settings the JobManager's CheckpointCoordinator runs with (Flink's CheckpointConfig, as plain data). */
export interface CheckpointConfigData {
  readonly intervalMs: number;
  readonly mode: CheckpointingMode;
  readonly timeoutMs: number;
  readonly minPauseBetweenCheckpointsMs: number;
  readonly maxConcurrentCheckpoints: number;
  readonly tolerableCheckpointFailureNumber: number;
  readonly storage: CheckpointStorageConfig;
  /** Completed checkpoints kept (Flink's state.checkpoints.num-retained, default 1). */
  readonly numRetainedCheckpoints: number;
  readonly defaultSavepointDirectory: string | undefined;
}

/** Flink's defaults: exactly once, 10 min timeout, no pause, 1 at a time, no failure tolerated, 1 retained. */
export const CHECKPOINT_DEFAULTS = {
  mode: 'EXACTLY_ONCE',
  timeoutMs: 600_000,
  minPauseBetweenCheckpointsMs: 0,
  maxConcurrentCheckpoints: 1,
  tolerableCheckpointFailureNumber: 0,
  numRetainedCheckpoints: 1,
} as const;
