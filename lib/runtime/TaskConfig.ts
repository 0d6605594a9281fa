import { CheckpointingMode } from './checkpoint/CheckpointBarrier';

/** Data-plane settings every subtask of a job gets. */
export interface TaskConfig {
  /** Records per network batch (one actor message). */
  readonly batchSize: number;
  /**
   * Flink's buffer timeout: a partly filled batch is sent after this many ms. 0 sends after
   * every mailbox action; -1 only when full (or before an event).
   */
  readonly bufferTimeoutMs: number;
  /** Batches a producer may have in flight per channel before it must wait for credit. */
  readonly creditsPerChannel: number;
  /** Records a source emits per mailbox turn before yielding to other actors. */
  readonly sourceBatchSize: number;
  readonly autoWatermarkInterval: number;
  /** Seeds round-robin starts and shuffles, so runs can be reproduced. */
  readonly seed: number;
  /** Set when the job checkpoints: how barriers are aligned. */
  readonly checkpointingMode?: CheckpointingMode;
}

export const DEFAULT_TASK_CONFIG: TaskConfig = {
  batchSize: 1024,
  bufferTimeoutMs: 100,
  creditsPerChannel: 4,
  sourceBatchSize: 4096,
  autoWatermarkInterval: 200,
  seed: 0,
};
