import { randomUUID } from 'crypto';
import { JobClient } from '../lib/api/JobClient';
import { JobExecutionResult } from '../lib/api/JobExecutionResult';
import { JobStatus, isGloballyTerminal } from '../lib/api/JobStatus';
import { JobGraph } from '../lib/graph/JobGraph';
import { CheckpointStatsSnapshot } from '../lib/runtime/checkpoint/CheckpointStats';
import { TaskConfig } from '../lib/runtime/TaskConfig';
import { JobOutcome, JobSettings, SnapshotOutcome } from '../lib/controlplane/JobSubmission';
import { JobManagerMessage } from './messages';
import { ActorSystem, TypedRef } from './nact';

function snapshotPath(o: SnapshotOutcome): string {
  if ('error' in o) throw new Error(o.error);
  if (o.path === undefined) throw new Error(`savepoint ${o.checkpointId} has no path`);
  return o.path;
}

/** A fresh job id: 32 hex digits, as Flink's JobID. */
export function newJobId(): string {
  return randomUUID().replace(/-/g, '');
}

/**
 * Submits a job to a JobManager actor (of a MiniCluster or a ThreadCluster); the client follows
 * it, cancels it, takes savepoints and awaits its result.
 */
export function submitJob(
  system: ActorSystem,
  jobManager: TypedRef<JobManagerMessage>,
  jobGraph: JobGraph,
  config: TaskConfig,
  settings: JobSettings = {},
  ids: { readonly jobId: string; readonly runId?: string } = { jobId: newJobId() },
): { readonly client: JobClient; readonly outcome: Promise<JobOutcome> } {
  const { jobId, runId } = ids;
  let status: JobStatus = 'INITIALIZING';
  let settle!: (outcome: JobOutcome) => void;
  const outcome = new Promise<JobOutcome>((resolve) => (settle = resolve));
  system.tell(jobManager, {
    type: 'submitJob',
    submission: {
      jobId,
      ...(runId === undefined ? {} : { runId }),
      jobGraph,
      config,
      listener: { onStatusChange: (s) => (status = s), onTerminated: settle },
      ...settings,
    },
  });
  const client: JobClient = {
    jobId,
    getJobStatus: () => status,
    async cancel(): Promise<void> {
      if (!isGloballyTerminal(status)) system.tell(jobManager, { type: 'cancelJob', jobId });
      await outcome;
    },
    async getJobExecutionResult(): Promise<JobExecutionResult> {
      const o = await outcome;
      if ('error' in o) throw o.error;
      return o.result;
    },
    async triggerSavepoint(directory?: string): Promise<string> {
      return snapshotPath(await snapshot('SAVEPOINT', directory));
    },
    async stopWithSavepoint(directory?: string): Promise<string> {
      return snapshotPath(await snapshot('SAVEPOINT_SUSPEND', directory));
    },
    async triggerCheckpoint(): Promise<number> {
      const o = await snapshot('CHECKPOINT', undefined);
      if ('error' in o) throw new Error(o.error);
      return o.checkpointId;
    },
    getCheckpointStats(): Promise<CheckpointStatsSnapshot | undefined> {
      return system.ask<JobManagerMessage, CheckpointStatsSnapshot | undefined>(jobManager, (replyTo) => ({ type: 'checkpointStats', jobId, replyTo }), 5000);
    },
  };
  // A snapshot waits for every subtask; bounded by the checkpoint timeout, not by a fixed ask timeout.
  const snapshot = (kind: 'CHECKPOINT' | 'SAVEPOINT' | 'SAVEPOINT_SUSPEND', directory: string | undefined): Promise<SnapshotOutcome> =>
    system.ask<JobManagerMessage, SnapshotOutcome>(
      jobManager,
      (replyTo) => ({ type: 'triggerSnapshot', jobId, kind, directory, replyTo }),
      (settings.checkpointing?.timeoutMs ?? 60_000) + 60_000,
    );
  return { client, outcome };
}
