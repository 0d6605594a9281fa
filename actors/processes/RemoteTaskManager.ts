import createDebug from 'debug';
import { FramedConnection } from '../../lib/cluster/net/FramedConnection';
import { HeartbeatMonitor, HeartbeatSettings } from '../../lib/cluster/net/HeartbeatMonitor';
import { SubtaskDeployment, SubtaskWiring } from '../../lib/controlplane/SubtaskWiring';
import { TaskFailure } from '../../lib/runtime/errors';
import { Clock } from '../../lib/time/Clock';
import { assertNever } from '../../lib/util/assertNever';
import { JobManagerMessage, SubtaskMessage, SubtaskRef, TaskManagerMessage } from '../messages';
import { ActorSystem, AnyRef, TypedRef } from '../nact';
import { SerializedFailure, SubtaskAddress, ThreadWiring } from '../threads/protocol';
import { FromTaskManager, PeerAddress, ProcessJob, ToTaskManager } from './protocol';

const log = createDebug('brook:jobmanager-process');

export interface RemoteTaskManagerDeps {
  readonly system: ActorSystem;
  readonly jobManager: TypedRef<JobManagerMessage>;
  /** Every ref of a subtask of the cluster and where it runs (shared by all TaskManagers). */
  readonly addresses: Map<object, SubtaskAddress>;
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

interface DeployedSubtask {
  readonly jobId: string;
  readonly taskName: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
}

/**
 * The JobManager's side of a TaskManager process: to the JobManager actor it is a TaskManager
 * ref, and every subtask deployed there a subtask ref, exactly as local actors; messages are
 * translated (refs to addresses, vertices to ids) and sent over the control connection.
 *
 * A TaskManager whose connection drops or whose heartbeats stop is lost for good (a process
 * that comes back registers as a new TaskManager): its subtasks are reported FAILED, naming it,
 * and so is each again when the JobManager starts it; deployments and releases it did not
 * answer are answered here, so that the job fails over in any phase.
 */
export class RemoteTaskManager {
  readonly ref: TypedRef<TaskManagerMessage>;
  private readonly heartbeat: HeartbeatMonitor;
  private dead: Error | undefined;
  private offered = false;
  private readonly replies = new Map<number, TypedRef<unknown>>();
  private readonly subtasks = new Map<string, DeployedSubtask>();
  private readonly lost = new Map<string, { readonly jobId: string; readonly failure: TaskFailure }>();
  private readonly pendingDeploys = new Map<string, readonly SubtaskDeployment[]>();
  private readonly pendingReleases = new Set<string>();
  private readonly pendingDefinitions = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  private nextRequest = 1;

  constructor(
    readonly taskManagerId: number,
    readonly slots: number,
    readonly address: PeerAddress,
    private readonly connection: FramedConnection<FromTaskManager, ToTaskManager>,
    private readonly deps: RemoteTaskManagerDeps,
  ) {
    this.ref = deps.system.threadRef<TaskManagerMessage>(`taskmanager-${taskManagerId}`, (m) => this.toTaskManager(m));
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

  private toTaskManager(message: TaskManagerMessage): void {
    switch (message.type) {
      case 'deploy':
        for (const d of message.deployments) {
          const { vertex, subtaskIndex } = d.descriptor;
          this.subtasks.set(d.executionId, { jobId: message.jobId, taskName: vertex.name, subtaskIndex, parallelism: vertex.parallelism });
        }
        if (this.dead) {
          this.answerLostDeploy(message.jobId, message.deployments, this.dead);
          break;
        }
        this.pendingDeploys.set(message.jobId, message.deployments);
        this.send({
          type: 'deploy',
          jobId: message.jobId,
          key: this.deps.jobKey(message.jobId),
          peers: this.deps.peers(),
          deployments: message.deployments.map((d) => ({
            jobId: d.descriptor.jobId,
            executionId: d.executionId,
            vertexId: d.descriptor.vertex.id,
            subtaskIndex: d.descriptor.subtaskIndex,
            attemptNumber: d.descriptor.attemptNumber,
            config: d.descriptor.config,
            restore: d.descriptor.restore,
          })),
        });
        break;
      case 'release':
        if (this.dead) {
          this.forgetJob(message.jobId);
          this.deps.system.tell(this.deps.jobManager, { type: 'released', jobId: message.jobId, taskManagerId: this.taskManagerId });
        } else {
          this.pendingReleases.add(message.jobId);
          this.send(message);
        }
        break;
      case 'collectMetrics':
        this.send({ type: 'collectMetrics', jobId: message.jobId, requestId: this.expectReply(message.replyTo) });
        break;
      case 'describe':
        this.send({ type: 'describe', requestId: this.expectReply(message.replyTo) });
        break;
      default:
        assertNever(message, 'TaskManager message');
    }
  }

  private expectReply(replyTo: AnyRef): number {
    const id = this.nextRequest++;
    this.replies.set(id, replyTo as TypedRef<unknown>);
    return id;
  }

  private subtaskRef(executionId: string): TypedRef<SubtaskMessage> {
    const ref = this.deps.system.threadRef<SubtaskMessage>(executionId, (message) => {
      const lost = this.lost.get(executionId);
      if (lost) {
        if (message.type === 'start') this.reportFailed(lost.jobId, executionId, lost.failure);
        return;
      }
      if (message.type === 'start') {
        this.send({ type: 'toSubtask', executionId, message: { type: 'start', wiring: this.toWiring(message.wiring) } });
      } else {
        this.send({ type: 'toSubtask', executionId, message });
      }
    });
    this.deps.addresses.set(ref, { taskManagerId: this.taskManagerId, executionId });
    return ref;
  }

  private toWiring(wiring: SubtaskWiring<SubtaskRef>): ThreadWiring {
    const address = (ref: TypedRef<SubtaskMessage>): SubtaskAddress => {
      const a = this.deps.addresses.get(ref);
      if (!a) throw new Error('a subtask of this job is not on a TaskManager process');
      return a;
    };
    return {
      inputs: wiring.inputs.map((i) => ({ index: i.index, producer: address(i.producer), producerChannel: i.producerChannel })),
      outputs: wiring.outputs.map((o) => ({
        streamEdgeId: o.streamEdgeId,
        channels: o.channels.map((c) => ({ index: c.index, consumer: address(c.consumer), consumerChannel: c.consumerChannel })),
      })),
    };
  }

  private fromTaskManager(message: FromTaskManager): void {
    this.heartbeat.heard();
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
      case 'deployed':
        this.pendingDeploys.delete(message.jobId);
        system.tell(jobManager, {
          type: 'deployed',
          jobId: message.jobId,
          taskManagerId: this.taskManagerId,
          subtasks: message.executionIds.map((executionId) => ({ executionId, ref: this.subtaskRef(executionId) })),
        });
        break;
      case 'subtaskState':
        system.tell(jobManager, {
          type: 'subtaskState',
          jobId: message.jobId,
          executionId: message.executionId,
          state: message.state,
          failure: message.failure && rebuildFailure(message.failure),
          metrics: message.metrics,
        });
        break;
      case 'released':
        this.pendingReleases.delete(message.jobId);
        this.forgetJob(message.jobId);
        system.tell(jobManager, { type: 'released', jobId: message.jobId, taskManagerId: this.taskManagerId });
        break;
      case 'toJobManager':
        system.tell(jobManager, message.message);
        break;
      case 'reply': {
        const replyTo = this.replies.get(message.requestId);
        this.replies.delete(message.requestId);
        if (replyTo) system.tell(replyTo, message.payload);
        break;
      }
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
    const unanswered = new Set([...this.pendingDeploys.values()].flatMap((ds) => ds.map((d) => d.executionId)));
    for (const [executionId, s] of this.subtasks) {
      if (unanswered.has(executionId)) continue;
      const failure = new TaskFailure(s.taskName, s.subtaskIndex, s.parallelism, cause);
      this.lost.set(executionId, { jobId: s.jobId, failure });
      this.reportFailed(s.jobId, executionId, failure);
    }
    for (const [jobId, deployments] of this.pendingDeploys) this.answerLostDeploy(jobId, deployments, cause);
    this.pendingDeploys.clear();
    for (const jobId of this.pendingReleases) {
      this.forgetJob(jobId);
      system.tell(jobManager, { type: 'released', jobId, taskManagerId: this.taskManagerId });
    }
    this.pendingReleases.clear();
    this.subtasks.clear();
    this.replies.clear();
    this.deps.onLost(this, cause);
  }

  private answerLostDeploy(jobId: string, deployments: readonly SubtaskDeployment[], cause: Error): void {
    for (const d of deployments) {
      const { vertex, subtaskIndex } = d.descriptor;
      this.lost.set(d.executionId, { jobId, failure: new TaskFailure(vertex.name, subtaskIndex, vertex.parallelism, cause) });
      this.subtasks.delete(d.executionId);
    }
    this.deps.system.tell(this.deps.jobManager, {
      type: 'deployed',
      jobId,
      taskManagerId: this.taskManagerId,
      subtasks: deployments.map((d) => ({ executionId: d.executionId, ref: this.subtaskRef(d.executionId) })),
    });
  }

  private reportFailed(jobId: string, executionId: string, failure: TaskFailure): void {
    this.deps.system.tell(this.deps.jobManager, { type: 'subtaskState', jobId, executionId, state: 'FAILED', failure });
  }

  private forgetJob(jobId: string): void {
    for (const [executionId, s] of this.subtasks) if (s.jobId === jobId) this.subtasks.delete(executionId);
    for (const [executionId, l] of this.lost) if (l.jobId === jobId) this.lost.delete(executionId);
  }
}

function rebuildFailure(f: SerializedFailure): TaskFailure {
  const cause = new Error(f.causeMessage);
  cause.name = f.causeName;
  if (f.causeStack) cause.stack = f.causeStack;
  return new TaskFailure(f.taskName, f.subtaskIndex, f.parallelism, cause);
}
