import createDebug from 'debug';
import { JobClient } from '../lib/api/JobClient';
import { LocalClusterConfig } from '../lib/cluster/ClusterFactory';
import { JobCluster } from '../lib/cluster/JobCluster';
import { JobSettings } from '../lib/controlplane/JobSubmission';
import { JobGraph } from '../lib/graph/JobGraph';
import { TaskConfig } from '../lib/runtime/TaskConfig';
import { JobManagerGateway } from './JobManagerGateway';
import { spawnJobManagerActor } from './JobManagerActor';
import { ActorTreeNode, JobManagerMessage, TaskManagerMessage } from './messages';
import { ActorSystem, TypedRef } from './nact';
import { submitJob } from './submitJob';
import { spawnTaskManagerActor } from './TaskManagerActor';

const log = createDebug('brook:cluster');

let clusterSeq = 0;

/**
 * A JobManager with its TaskManagers in one nact actor system: the actor tree is
 * jobmanager → taskmanager-N → subtask actors.
 */
export class MiniCluster implements JobCluster {
  readonly system: ActorSystem;
  readonly jobManager: TypedRef<JobManagerMessage>;
  readonly taskManagers: readonly TypedRef<TaskManagerMessage>[];
  readonly gateway: JobManagerGateway;
  private readonly running = new Set<JobClient>();
  private closed = false;

  constructor(readonly config: LocalClusterConfig) {
    if (!Number.isInteger(config.numberOfTaskManagers) || config.numberOfTaskManagers < 1) {
      throw new RangeError(`numberOfTaskManagers must be a positive integer, got ${config.numberOfTaskManagers}`);
    }
    if (!Number.isInteger(config.slotsPerTaskManager) || config.slotsPerTaskManager < 1) {
      throw new RangeError(`slotsPerTaskManager must be a positive integer, got ${config.slotsPerTaskManager}`);
    }
    this.system = new ActorSystem(`brook-${process.pid}-${++clusterSeq}`);
    this.jobManager = spawnJobManagerActor(this.system, config.clock);
    this.gateway = new JobManagerGateway(this.system, this.jobManager);
    this.taskManagers = Array.from({ length: config.numberOfTaskManagers }, (_, i) =>
      spawnTaskManagerActor({
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
    const { client, outcome } = submitJob(this.system, this.jobManager, jobGraph, config, settings);
    this.running.add(client);
    // A job that has not ended keeps the process alive, as a server would: while it restores
    // or waits out a restart backoff it may hold no socket or file, and the clock's timers are
    // unref'd.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    void outcome.then(() => {
      clearInterval(keepAlive);
      this.running.delete(client);
    });
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
