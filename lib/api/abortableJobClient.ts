import { AbortError } from './AbortError';
import { JobClient } from './JobClient';
import { JobExecutionResult } from './JobExecutionResult';

/**
 * A client whose job `signal` cancels: aborting calls cancel(), and the job's result then
 * rejects with an AbortError instead of the cancellation's JobExecutionError. A job that
 * finished before the abort keeps its result.
 */
export function abortableJobClient(client: JobClient, jobName: string, signal: AbortSignal): JobClient {
  const cancel = (): void => void client.cancel().catch(() => undefined);
  signal.addEventListener('abort', cancel, { once: true });
  if (signal.aborted) cancel();
  const outcome: Promise<JobExecutionResult> = client.getJobExecutionResult().then(
    (result) => {
      signal.removeEventListener('abort', cancel);
      return result;
    },
    (error: unknown) => {
      signal.removeEventListener('abort', cancel);
      throw signal.aborted ? new AbortError(jobName, signal.reason) : error;
    },
  );
  outcome.catch(() => undefined); // reported to whoever asks for the result
  return {
    jobId: client.jobId,
    getJobStatus: () => client.getJobStatus(),
    cancel: () => client.cancel(),
    getJobExecutionResult: () => outcome,
    triggerSavepoint: (directory) => client.triggerSavepoint(directory),
    stopWithSavepoint: (directory) => client.stopWithSavepoint(directory),
    triggerCheckpoint: () => client.triggerCheckpoint(),
    getCheckpointStats: () => client.getCheckpointStats(),
  };
}
