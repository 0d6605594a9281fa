import createDebug from 'debug';
import { JobClient } from '../lib/api/JobClient';
import { JobGraph } from '../lib/graph/JobGraph';
import { TextWriter } from '../lib/runtime/StreamOperator';
import { TaskConfig } from '../lib/runtime/TaskConfig';
import { Clock } from '../lib/time/Clock';
import { spawnJobManager } from './JobManager';
import { ActorTreeNode, JobManagerMessage, TaskManagerMessage } from './messages';
import { ActorSystem, TypedRef } from './nact';
import { JobSettings, submitJob } from './submitJob';
import { spawnTaskManager } from './TaskManager';

const log = createDebug('brook:cluster');

export interface MiniClusterConfig {
  readonly numberOfTaskManagers: number;
  readonly slotsPerTaskManager: number;
  readonly clock: Clock;
  readonly stdout: TextWriter;
  readonly stderr: TextWriter;
}

export type { JobSettings } from './submitJob';

let clusterSeq = 0;

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
