import { JobClient } from '../api/JobClient';
import { ClusterOverview, JobSnapshot } from '../controlplane/ClusterQueries';
import { JobSettings, SnapshotOutcome } from '../controlplane/JobSubmission';
import { JobGraph } from '../graph/JobGraph';
import { TaskConfig } from '../runtime/TaskConfig';

/**
 * What the REST API and the CLI ask a running cluster (Flink's RestfulGateway): the answers
 * are plain data, whatever runs the JobManager.
 */
export interface ClusterGateway {
  requestClusterOverview(): Promise<ClusterOverview>;
  /** The job with every subtask's metrics as of now; undefined when the JobManager does not know it. */
  requestJob(jobId: string): Promise<JobSnapshot | undefined>;
  cancelJob(jobId: string): void;
  /** A savepoint, or with SAVEPOINT_SUSPEND Flink's stop-with-savepoint (the job then finishes). */
  triggerSavepoint(jobId: string, kind: 'SAVEPOINT' | 'SAVEPOINT_SUSPEND', directory: string | undefined): Promise<SnapshotOutcome>;
}

/** A JobManager with its TaskManagers, as the DataStream API, the REST API and the CLI use it. */
export interface JobCluster {
  readonly gateway: ClusterGateway;
  submitJob(jobGraph: JobGraph, config: TaskConfig, settings?: JobSettings): JobClient;
  /** Cancels what runs and stops every TaskManager and the JobManager. */
  shutdown(): Promise<void>;
}
