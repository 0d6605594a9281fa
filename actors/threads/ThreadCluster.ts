import createDebug from 'debug';
import path from 'path';
import { MessageChannel, MessagePort, Worker } from 'worker_threads';
import { JobClient } from '../../lib/api/JobClient';
import { ThreadClusterConfig } from '../../lib/cluster/ClusterFactory';
import { JobCluster } from '../../lib/cluster/JobCluster';
import { JobSettings } from '../../lib/controlplane/JobSubmission';
import { JobManagerGateway } from '../JobManagerGateway';
import { forwardsResults } from '../../lib/connectors/sink/ForwardableSink';
import { JobGraph } from '../../lib/graph/JobGraph';
import { TaskConfig } from '../../lib/runtime/TaskConfig';
import { systemClock } from '../../lib/time/SystemClock';
import { spawnJobManagerActor } from '../JobManagerActor';
import { JobManagerMessage } from '../messages';
import { ActorSystem, TypedRef } from '../nact';
import { TaskManagerThreadData } from './protocol';
import { ThreadTaskManager } from './ThreadTaskManager';
import { startThread } from './startThread';
import { submitJob } from '../submitJob';

const log = createDebug('brook:cluster');

/**
 * A JobManager on the main thread with TaskManagers on worker threads, each its own nact actor
 * system with its slots: the way brook uses every core. TaskManagers exchange batches and
 * credit over one MessagePort per pair; the JobManager talks to them over the worker's port.
 * One cluster runs the job its TaskManagers were started for. A TaskManager whose thread dies
 * gets a new thread (see ThreadTaskManager), so that the job can fail over into its slots.
 */
export class ThreadCluster implements JobCluster {
  readonly system: ActorSystem;
  readonly jobManager: TypedRef<JobManagerMessage>;
  readonly gateway: JobManagerGateway;
  private readonly taskManagers: ThreadTaskManager[] = [];
  private readonly running = new Set<JobClient>();
  private closed = false;

  private constructor(config: ThreadClusterConfig) {
    const n = config.numberOfTaskManagers;
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`numberOfTaskManagers must be a positive integer, got ${n}`);
    this.system = new ActorSystem(`brook-main-${process.pid}`);
    this.jobManager = spawnJobManagerActor(this.system, systemClock);
    this.gateway = new JobManagerGateway(this.system, this.jobManager);
    const sinks = new Map([...config.jobGraph.streamGraph.nodes.values()].map((node) => [node.id, node.sink]));
    const addresses = new Map();
    for (let i = 0; i < n; i++) {
      this.taskManagers.push(
        new ThreadTaskManager(i, {
          system: this.system,
          jobManager: this.jobManager,
          addresses,
          stdout: config.stdout,
          stderr: config.stderr,
          onSinkResults: (nodeId, results) => {
            const sink = sinks.get(nodeId);
            if (forwardsResults(sink)) sink.acceptForwarded(results);
          },
          startThread: () => this.startTaskManagerThread(i, config),
        }),
      );
    }
    log('started %d TaskManager thread(s) × %d slot(s)', n, config.slotsPerTaskManager);
  }

  /** Starts the TaskManager threads; resolves once each has defined the job and registered. */
  static async start(config: ThreadClusterConfig): Promise<ThreadCluster> {
    const cluster = new ThreadCluster(config);
    try {
      await Promise.all(cluster.taskManagers.map((tm) => tm.ready));
    } catch (e) {
      await cluster.shutdown();
      throw e;
    }
    return cluster;
  }

  /**
   * Starts the thread of TaskManager `taskManagerId` with one MessageChannel to each other
   * TaskManager whose thread runs (they get their ends in a `peer` message): at first, and again
   * for a TaskManager whose thread died.
   */
  private startTaskManagerThread(taskManagerId: number, config: ThreadClusterConfig): Worker {
    const peers: Array<{ taskManagerId: number; port: MessagePort }> = [];
    for (const other of this.taskManagers) {
      if (other.taskManagerId === taskManagerId || !other.alive) continue;
      const { port1, port2 } = new MessageChannel();
      other.connectPeer(taskManagerId, port2);
      peers.push({ taskManagerId: other.taskManagerId, port: port1 });
    }
    const entry = path.join(__dirname, `TaskManagerThread${path.extname(__filename)}`);
    const threadData: TaskManagerThreadData = { taskManagerId, slots: config.slotsPerTaskManager, job: config.job, peers };
    return startThread(
      entry,
      [config.job.module],
      threadData,
      peers.map((p) => p.port),
    );
  }

  submitJob(jobGraph: JobGraph, config: TaskConfig, settings: JobSettings = {}): JobClient {
    if (this.closed) throw new Error('the cluster has been shut down');
    const { client, outcome } = submitJob(this.system, this.jobManager, jobGraph, config, settings);
    this.running.add(client);
    void outcome.then(() => this.running.delete(client));
    return client;
  }

  /** Cancels what runs, stops the TaskManager threads and the JobManager. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.running].map((c) => c.cancel()));
    await Promise.all(this.taskManagers.map((tm) => tm.shutdown()));
    this.system.stop(this.jobManager);
    this.system.shutdown();
    log('shut down');
  }
}
