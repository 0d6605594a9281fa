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
}
