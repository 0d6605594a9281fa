import createDebug from 'debug';
import { FramedConnection } from '../../lib/cluster/net/FramedConnection';
import { HeartbeatMonitor, HeartbeatSettings } from '../../lib/cluster/net/HeartbeatMonitor';
import { TaskFailure } from '../../lib/runtime/errors';
import { Clock } from '../../lib/time/Clock';
import { assertNever } from '../../lib/util/assertNever';
import { TaskManagerProxy, TaskManagerProxyDeps } from '../TaskManagerProxy';
import { isTaskManagerReport, TaskManagerCommand, ThreadDeployment } from '../threads/protocol';
import { FromTaskManager, PeerAddress, ProcessJob, ToTaskManager } from './protocol';

const log = createDebug('brook:jobmanager-process');

export interface RemoteTaskManagerDeps extends TaskManagerProxyDeps {
  readonly clock: Clock;
  readonly heartbeat: HeartbeatSettings;
  /** The job key (its definition on the TaskManagers) of a job id. */
  readonly jobKey: (jobId: string) => string;
  /** Every live TaskManager's channel address. */
  readonly peers: () => readonly PeerAddress[];
  readonly onOutput: (key: string, stream: 'stdout' | 'stderr', text: string) => void;
  readonly onSinkResults: (key: string, nodeId: number, results: unknown) => void;
  /** Its slots are offered (every job running was defined there). */
  readonly onReady: (tm: RemoteTaskManager) => void;
  readonly onLost: (tm: RemoteTaskManager, cause: Error) => void;
}

/**
 * The JobManager's side of a TaskManager process (see TaskManagerProxy), over its control
 * connection: it also defines the jobs there, and follows the process by heartbeats.
 *
 * A TaskManager whose connection drops or whose heartbeats stop is lost for good (a process
 * that comes back registers as a new TaskManager): its subtasks fail, naming it. A channel
 * connection it lost to another TaskManager fails the jobs with channels over it.
 */
export class RemoteTaskManager extends TaskManagerProxy {
  protected readonly runsOn = 'process';
  private readonly heartbeat: HeartbeatMonitor;
  private offered = false;
  private readonly pendingDefinitions = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();

  constructor(
    taskManagerId: number,
    readonly slots: number,
    readonly address: PeerAddress,
    private readonly connection: FramedConnection<FromTaskManager, ToTaskManager>,
    private readonly deps: RemoteTaskManagerDeps,
  ) {
    super(taskManagerId, deps);
    this.heartbeat = new HeartbeatMonitor(
      deps.clock,
      deps.heartbeat,
      () => this.send({ type: 'heartbeat' }),
      (silent) => this.died(new Error(`no heartbeat for ${silent} ms`)),
    );
    connection.onMessage((m) => this.fromTaskManager(m)).onClose((reason) => this.died(reason ?? new Error('its connection was closed')));
  }

  get alive(): boolean {
    return this.dead === undefined;
  }

  /** Sends the registration answer: its id, its peers, and the jobs it must define before offering slots. */
  welcome(jobs: readonly ProcessJob[]): void {
    this.send({ type: 'registered', taskManagerId: this.taskManagerId, peers: this.deps.peers(), jobs });
  }

  /** Asks the TaskManager to define a job; rejects with its refusal (a different fingerprint, a missing file). */
  defineJob(job: ProcessJob): Promise<void> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      this.pendingDefinitions.set(job.key, { resolve, reject });
      this.send({ type: 'defineJob', job });
    });
  }

  jobEnded(key: string): void {
    this.send({ type: 'jobEnded', key });
  }

  shutdown(): void {
    this.send({ type: 'shutdown' });
    this.heartbeat.stop();
  }

  /** Drops the connection at once (the JobManager lost its leadership): the TaskManager is lost here. */
  disconnect(reason: Error): void {
    this.died(reason);
  }

  private send(message: ToTaskManager): void {
    if (!this.dead) this.connection.send(message);
  }

  protected sendDeploy(jobId: string, deployments: readonly ThreadDeployment[]): void {
    this.send({ type: 'deploy', jobId, key: this.deps.jobKey(jobId), peers: this.deps.peers(), deployments });
  }

  protected sendCommand(command: TaskManagerCommand): void {
    this.send(command);
  }

  private fromTaskManager(message: FromTaskManager): void {
    this.heartbeat.heard();
    if (isTaskManagerReport(message)) {
      this.received(message);
      return;
    }
    const { system, jobManager } = this.deps;
    switch (message.type) {
      case 'register':
        break; // handled by the JobManager's port before this TaskManager existed
      case 'heartbeat':
        // Only once its slots are offered does the JobManager know this TaskManager.
        if (this.offered) system.tell(jobManager, { type: 'taskManagerHeartbeat', taskManagerId: this.taskManagerId });
        break;
      case 'jobDefined': {
        const pending = this.pendingDefinitions.get(message.key);
        this.pendingDefinitions.delete(message.key);
        if (message.error === undefined) pending?.resolve();
        else pending?.reject(new Error(message.error));
        break;
      }
      case 'ready':
        this.offered = true;
        system.tell(jobManager, {
          type: 'registerTaskManager',
          taskManagerId: this.taskManagerId,
          slots: this.slots,
          location: { kind: 'process', host: this.address.host, dataPort: this.address.port },
          ref: this.ref,
        });
        this.deps.onReady(this);
        break;
      case 'stdout':
      case 'stderr':
        this.deps.onOutput(message.key, message.type, message.text);
        break;
      case 'sinkResults':
        this.deps.onSinkResults(message.key, message.nodeId, message.results);
        break;
      case 'peerLost':
        this.peerLost(message.taskManagerId, message.reason, new Set(message.jobIds));
        break;
      default:
        assertNever(message, 'message from a TaskManager process');
    }
  }

  /**
   * Its channel connection to another TaskManager dropped: every job with channels over it fails
   * over (a job with none there goes on). Each of its subtasks here fails now, and again if the
   * JobManager starts it later (a failure before the job runs would not be heard); one failure
   * per job is enough for a full restart, whose deployment makes the connection again.
   */
  private peerLost(peerId: number, reason: string, jobIds: ReadonlySet<string>): void {
    const cause = new Error(`the channel connection between TaskManagers ${this.taskManagerId} and ${peerId} was lost: ${reason}`);
    const reported = new Set<string>();
    for (const [executionId, s] of this.subtasks) {
      if (!jobIds.has(s.jobId)) continue;
      const failure = new TaskFailure(s.taskName, s.subtaskIndex, s.parallelism, cause);
      this.lost.set(executionId, { jobId: s.jobId, failure });
      if (reported.has(s.jobId)) continue;
      reported.add(s.jobId);
      this.reportFailed(s.jobId, executionId, failure);
    }
  }

  private died(error: Error): void {
    if (this.dead) return;
    const cause = new Error(`TaskManager ${this.taskManagerId} (${this.address.host}) lost: ${error.message}`);
    this.dead = cause;
    this.heartbeat.stop();
    this.connection.destroy(cause);
    log('%s', cause.message);
    for (const p of this.pendingDefinitions.values()) p.reject(cause);
    this.pendingDefinitions.clear();
    const { system, jobManager } = this.deps;
    if (this.offered) system.tell(jobManager, { type: 'taskManagerLost', taskManagerId: this.taskManagerId });
    this.failEverything(cause);
    this.deps.onLost(this, cause);
  }
}
