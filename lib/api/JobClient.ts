import { CheckpointStatsSnapshot } from '../runtime/checkpoint/CheckpointStats';
import { JobExecutionResult } from './JobExecutionResult';
import { JobStatus } from './JobStatus';

/** A handle on a submitted job (Flink's JobClient). */
export interface JobClient {
  readonly jobId: string;
  getJobStatus(): JobStatus;
  /** Cancels the job; resolves once every subtask has stopped. */
  cancel(): Promise<void>;
  /** Resolves when the job finishes; rejects with a JobExecutionError when it fails or is cancelled. */
  getJobExecutionResult(): Promise<JobExecutionResult>;
  /** Takes a savepoint into `directory` (or the default savepoint directory); resolves with its path. */
  triggerSavepoint(directory?: string): Promise<string>;
  /**
   * Flink's stop-with-savepoint: the sources stop at the savepoint's barrier, sinks commit, and
   * the job finishes (windows keep their state in the savepoint). Resolves with its path.
   */
  stopWithSavepoint(directory?: string): Promise<string>;
  /** Takes a checkpoint now; resolves with its id once it completed. */
  triggerCheckpoint(): Promise<number>;
  /** Counts and timings of the job's checkpoints; undefined when it does not checkpoint. */
  getCheckpointStats(): Promise<CheckpointStatsSnapshot | undefined>;
}
