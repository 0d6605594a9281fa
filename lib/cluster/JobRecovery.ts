import { CheckpointPointer } from '../ha/CompletedCheckpointPointerStore';
import { Fence } from '../ha/FencingToken';
import { HighAvailabilityServices } from '../ha/HighAvailabilityServices';
import { JobGraphRecord } from '../ha/JobGraphStore';
import { JobResult } from '../ha/JobResultStore';

/** A job a new leader runs again, and where it starts. */
export interface JobToRecover {
  readonly record: JobGraphRecord;
  /** Its latest completed checkpoint; undefined before its first. */
  readonly pointer: CheckpointPointer | undefined;
  /** The latest checkpoint, else the savepoint it was submitted with, else nothing: from its start. */
  readonly restoreFrom: { readonly path: string; readonly allowNonRestoredState: boolean } | undefined;
}

/**
 * What a new leader runs again, as Flink's dispatcher recovers jobs when it gains leadership:
 * every job of the JobGraphStore with no result in the JobResultStore, from its latest completed
 * checkpoint. A job whose cancellation was asked is recorded as cancelled instead (fenced).
 */
export async function jobsToRecover(ha: HighAvailabilityServices, fence: Fence, now: number): Promise<JobToRecover[]> {
  const jobs: JobToRecover[] = [];
  for (const record of await ha.jobGraphs.list()) {
    if (await ha.jobResults.get(record.jobId)) continue;
    if (record.state === 'cancelling') {
      await ha.jobResults.record(fence, { jobId: record.jobId, state: 'cancelled', timestamp: now });
      continue;
    }
    const pointer = await ha.checkpoints.latest(record.jobId);
    const restoreFrom = pointer?.location ? { path: pointer.location, allowNonRestoredState: false } : record.savepoint;
    jobs.push({ record, pointer, restoreFrom });
  }
  return jobs;
}

/** Records how a job ended (which removes it from the JobGraphStore) and forgets its checkpoint pointers; fenced. */
export async function recordJobEnd(ha: HighAvailabilityServices, fence: Fence, result: JobResult): Promise<void> {
  await ha.jobResults.record(fence, result);
  await ha.checkpoints.discard(fence, result.jobId);
}
