import { ClusterGateway } from '../lib/cluster/JobCluster';
import { ClusterOverview, JobSnapshot, SubtaskSnapshot } from '../lib/controlplane/ClusterQueries';
import { SnapshotOutcome } from '../lib/controlplane/JobSubmission';
import { JobManagerMessage, JobSnapshotReply, SubtaskMetricsReport, TaskManagerMessage } from './messages';
import { ActorSystem, TypedRef } from './nact';

/** How long a query may take before the REST call fails (nact's asks need a timeout). */
export const DEFAULT_QUERY_TIMEOUT_MS = 5000;

/** A savepoint waits for every subtask; the checkpoint timeout bounds it (Flink's default is 10 min). */
export const SAVEPOINT_TIMEOUT_MS = 11 * 60_000;

/**
 * Asks the JobManager (and, for live metrics, the TaskManagers running a job) on behalf of
 * the REST API and the CLI. One question at a time per job: concurrent callers share the ask
 * in flight, so a page refreshing in several tabs costs no more asks (nact's reply ids are
 * 31-bit random: keep concurrent asks few).
 */
export class JobManagerGateway implements ClusterGateway {
  private readonly jobsInFlight = new Map<string, Promise<JobSnapshot | undefined>>();
  private overviewInFlight: Promise<ClusterOverview> | undefined;

  constructor(
    private readonly system: ActorSystem,
    private readonly jobManager: TypedRef<JobManagerMessage>,
    private readonly timeoutMs = DEFAULT_QUERY_TIMEOUT_MS,
  ) {}

  requestClusterOverview(): Promise<ClusterOverview> {
    this.overviewInFlight ??= this.system
      .ask<JobManagerMessage, ClusterOverview>(this.jobManager, (replyTo) => ({ type: 'requestClusterOverview', replyTo }), this.timeoutMs)
      .finally(() => (this.overviewInFlight = undefined));
    return this.overviewInFlight;
  }

  /** The job with every subtask's metrics as of now; undefined when the JobManager does not know it. */
  requestJob(jobId: string): Promise<JobSnapshot | undefined> {
    let pending = this.jobsInFlight.get(jobId);
    if (!pending) {
      pending = this.fetchJob(jobId).finally(() => this.jobsInFlight.delete(jobId));
      this.jobsInFlight.set(jobId, pending);
    }
    return pending;
  }

  cancelJob(jobId: string): void {
    this.system.tell(this.jobManager, { type: 'cancelJob', jobId });
  }

  /** A savepoint, or with SAVEPOINT_SUSPEND Flink's stop-with-savepoint (the job then finishes). */
  triggerSavepoint(jobId: string, kind: 'SAVEPOINT' | 'SAVEPOINT_SUSPEND', directory: string | undefined): Promise<SnapshotOutcome> {
    return this.system.ask<JobManagerMessage, SnapshotOutcome>(
      this.jobManager,
      (replyTo) => ({ type: 'triggerSnapshot', jobId, kind, directory, replyTo }),
      SAVEPOINT_TIMEOUT_MS,
    );
  }

  private async fetchJob(jobId: string): Promise<JobSnapshot | undefined> {
    const reply = await this.system.ask<JobManagerMessage, JobSnapshotReply | undefined>(
      this.jobManager,
      (replyTo) => ({ type: 'requestJob', jobId, replyTo }),
      this.timeoutMs,
    );
    if (!reply) return undefined;
    if (reply.liveTaskManagers.length === 0) return reply.snapshot;
    const reports = await Promise.all(
      reply.liveTaskManagers.map((tm) =>
        this.system
          .ask<TaskManagerMessage, SubtaskMetricsReport>(tm.ref, (replyTo) => ({ type: 'collectMetrics', jobId, replyTo }), this.timeoutMs)
          // A TaskManager that stopped meanwhile (the job just ended) leaves the last reported metrics.
          .catch(() => undefined),
      ),
    );
    const live = new Map<string, SubtaskMetricsReport['subtasks'][number]>();
    for (const report of reports) for (const s of report?.subtasks ?? []) live.set(s.executionId, s);
    const merge = (s: SubtaskSnapshot): SubtaskSnapshot => {
      const l = live.get(s.executionId);
      return l ? { ...s, metrics: l.metrics } : s;
    };
    const { snapshot } = reply;
    return { ...snapshot, vertices: snapshot.vertices.map((v) => ({ ...v, subtasks: v.subtasks.map(merge) })) };
  }
}
