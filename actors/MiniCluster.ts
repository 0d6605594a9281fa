import { randomUUID } from 'crypto';
import createDebug from 'debug';
import { JobClient } from '../lib/api/JobClient';
import { JobExecutionResult } from '../lib/api/JobExecutionResult';
import { JobStatus, isGloballyTerminal } from '../lib/api/JobStatus';
import { JobGraph } from '../lib/graph/JobGraph';
import { TextWriter } from '../lib/runtime/StreamOperator';
import { TaskConfig } from '../lib/runtime/TaskConfig';
import { Clock } from '../lib/time/Clock';
import { spawnJobManager } from './JobManager';
import { CheckpointStatsSnapshot } from '../lib/runtime/checkpoint/CheckpointStats';
import { ActorTreeNode, JobManagerMessage, JobSubmission, SnapshotOutcome, TaskManagerMessage } from './messages';
import { ActorSystem, TypedRef } from './nact';
import { spawnTaskManager } from './TaskManager';

const log = createDebug('brook:cluster');

export interface MiniClusterConfig {
  readonly numberOfTaskManagers: number;
  readonly slotsPerTaskManager: number;
  readonly clock: Clock;
  readonly stdout: TextWriter;
  readonly stderr: TextWriter;
}

/** Job-level settings besides the data plane's: checkpointing, restarts, where to restore from. */
export type JobSettings = Pick<JobSubmission, 'checkpointing' | 'restartStrategy' | 'savepointRestore'>;

let clusterSeq = 0;

function snapshotPath(o: SnapshotOutcome): string {
  if ('error' in o) throw new Error(o.error);
  if (o.path === undefined) throw new Error(`savepoint ${o.checkpointId} has no path`);
  return o.path;
}

/**
 * A JobManager with its TaskManagers in one nact actor system: the actor tree is
 * jobmanager → taskmanager-N → subtask actors.
 */
export class MiniCluster {
  readonly system: ActorSystem;
  readonly jobManager: TypedRef<JobManagerMessage>;
  readonly taskManagers: readonly TypedRef<TaskManagerMessage>[];
  private readonly running = new Set<JobClient>();
  private closed = false;

  constructor(readonly config: MiniClusterConfig) {
    if (!Number.isInteger(config.numberOfTaskManagers) || config.numberOfTaskManagers < 1) {
      throw new RangeError(`numberOfTaskManagers must be a positive integer, got ${config.numberOfTaskManagers}`);
    }
    if (!Number.isInteger(config.slotsPerTaskManager) || config.slotsPerTaskManager < 1) {
      throw new RangeError(`slotsPerTaskManager must be a positive integer, got ${config.slotsPerTaskManager}`);
    }
    this.system = new ActorSystem(`brook-${process.pid}-${++clusterSeq}`);
    this.jobManager = spawnJobManager(this.system, config.clock);
    this.taskManagers = Array.from({ length: config.numberOfTaskManagers }, (_, i) =>
      spawnTaskManager({
        system: this.system,
        jobManager: this.jobManager,
        taskManagerId: i,
        slots: config.slotsPerTaskManager,
        clock: config.clock,
        stdout: config.stdout,
        stderr: config.stderr,
      }),
    );
    log('started %d TaskManager(s) × %d slot(s)', config.numberOfTaskManagers, config.slotsPerTaskManager);
  }

  submitJob(jobGraph: JobGraph, config: TaskConfig, settings: JobSettings = {}): JobClient {
    if (this.closed) throw new Error('the cluster has been shut down');
    const jobId = randomUUID().replace(/-/g, '');
    let status: JobStatus = 'INITIALIZING';
    let settle!: (outcome: { result: JobExecutionResult } | { error: Error }) => void;
    const outcome = new Promise<{ result: JobExecutionResult } | { error: Error }>((resolve) => (settle = resolve));
    this.system.tell(this.jobManager, {
      type: 'submitJob',
      submission: {
        jobId,
        jobGraph,
        config,
        listener: { onStatusChange: (s) => (status = s), onTerminated: settle },
        ...settings,
      },
    });
    const system = this.system;
    const jobManager = this.jobManager;
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
    this.running.add(client);
    void outcome.then(() => this.running.delete(client));
    return client;
  }

  /** Resolves when no actor has work queued (for tests on a manual clock). */
  settle(): Promise<void> {
    return this.system.settle();
  }

  /** The actor tree as nact knows it: jobmanager → taskmanagers → subtasks. */
  describeActorTree(): Promise<ActorTreeNode> {
    return this.system.ask<JobManagerMessage, ActorTreeNode>(this.jobManager, (replyTo) => ({ type: 'describe', replyTo }), 5000);
  }

  /** Stops every actor this cluster spawned (nact does not stop children with their parents). */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.running].map((c) => c.cancel()));
    for (const tm of this.taskManagers) this.system.stop(tm);
    this.system.stop(this.jobManager);
    this.system.shutdown();
    log('shut down');
  }
}
