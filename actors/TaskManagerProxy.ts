import { SubtaskDeployment, SubtaskWiring } from '../lib/controlplane/SubtaskWiring';
import { TaskFailure } from '../lib/runtime/errors';
import { assertNever } from '../lib/util/assertNever';
import { ActorTreeNode, JobManagerMessage, SubtaskMessage, SubtaskMetricsReport, SubtaskRef, TaskManagerMessage } from './messages';
import { ActorSystem, TypedRef } from './nact';
import { SerializedFailure, SubtaskAddress, TaskManagerCommand, TaskManagerReport, ThreadDeployment, ThreadWiring } from './threads/protocol';

export interface TaskManagerProxyDeps {
  readonly system: ActorSystem;
  readonly jobManager: TypedRef<JobManagerMessage>;
  /** Every ref of a subtask of the cluster and where it runs (shared by all TaskManagers). */
  readonly addresses: Map<object, SubtaskAddress>;
}

/** A subtask deployed on this TaskManager, as much as a failure report needs. */
interface DeployedSubtask {
  readonly jobId: string;
  readonly taskName: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
}

/**
 * The JobManager's side of a TaskManager that runs elsewhere (a worker thread, a process): to
 * the JobManager actor it is a TaskManager ref, and every subtask deployed there a subtask ref,
 * exactly as local actors; messages are translated (refs to addresses, vertices to ids) and
 * handed to the transport, and the TaskManager's reports are told to the JobManager.
 *
 * What is lost with the TaskManager is answered here, so that the job fails over by its
 * restart strategy in any phase (deploying, starting, running): its subtasks are reported
 * FAILED, and so is each again when the JobManager starts it (a failure before the job runs
 * would not be heard); deployments and releases it had not answered are answered. Subclasses
 * are the transport only: how a message reaches the TaskManager, and when it is lost.
 */
export abstract class TaskManagerProxy {
  readonly ref: TypedRef<TaskManagerMessage>;
  /** Set when no TaskManager answers here any more: what is sent to it is answered here. */
  protected dead: Error | undefined;
  /** Queries sent and not answered yet, with what to answer if the TaskManager is lost first. */
  private readonly replies = new Map<number, { readonly replyTo: TypedRef<unknown>; readonly ifLost: unknown }>();
  /** Subtasks on the TaskManager, by execution id. */
  protected readonly subtasks = new Map<string, DeployedSubtask>();
  /** Subtasks of a TaskManager that was lost, with the failure they report when started. */
  protected readonly lost = new Map<string, { readonly jobId: string; readonly failure: TaskFailure }>();
  /** Deployments and releases sent to the TaskManager and not answered yet. */
  private readonly pendingDeploys = new Map<string, readonly SubtaskDeployment[]>();
  private readonly pendingReleases = new Set<string>();
  private nextRequest = 1;

  constructor(
    readonly taskManagerId: number,
    private readonly proxyDeps: TaskManagerProxyDeps,
  ) {
    this.ref = proxyDeps.system.threadRef<TaskManagerMessage>(`taskmanager-${taskManagerId}`, (m) => this.toTaskManager(m));
  }

  /** Sends a deployment, as data, to the TaskManager. */
  protected abstract sendDeploy(jobId: string, deployments: readonly ThreadDeployment[]): void;

  /** Sends any other command to the TaskManager. */
  protected abstract sendCommand(command: TaskManagerCommand): void;

  /** Where the TaskManager runs, as said in errors ('thread', 'process'). */
  protected abstract readonly runsOn: string;

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
        this.sendDeploy(
          message.jobId,
          message.deployments.map((d) => ({
            jobId: d.descriptor.jobId,
            executionId: d.executionId,
            vertexId: d.descriptor.vertex.id,
            subtaskIndex: d.descriptor.subtaskIndex,
            attemptNumber: d.descriptor.attemptNumber,
            config: d.descriptor.config,
            restore: d.descriptor.restore,
          })),
        );
        break;
      case 'release':
        if (this.dead) {
          this.forgetJob(message.jobId);
          this.tellJobManager({ type: 'released', jobId: message.jobId, taskManagerId: this.taskManagerId });
        } else {
          this.pendingReleases.add(message.jobId);
          this.sendCommand(message);
        }
        break;
      case 'collectMetrics': {
        // A lost TaskManager runs nothing: answered at once, never left to the asker's timeout.
        const none: SubtaskMetricsReport = { taskManagerId: this.taskManagerId, subtasks: [] };
        if (this.dead) this.proxyDeps.system.tell(message.replyTo, none);
        else this.sendCommand({ type: 'collectMetrics', jobId: message.jobId, requestId: this.expectReply(message.replyTo, none) });
        break;
      }
      case 'describe': {
        const path = `taskmanager-${this.taskManagerId}`;
        const gone: ActorTreeNode = { name: `${path} (lost)`, path, children: [] };
        if (this.dead) this.proxyDeps.system.tell(message.replyTo, gone);
        else this.sendCommand({ type: 'describe', requestId: this.expectReply(message.replyTo, gone) });
        break;
      }
      default:
        assertNever(message, 'TaskManager message');
    }
  }

  /** Tells the JobManager what the TaskManager reported. */
  protected received(message: TaskManagerReport): void {
    switch (message.type) {
      case 'deployed':
        this.pendingDeploys.delete(message.jobId);
        this.tellJobManager({
          type: 'deployed',
          jobId: message.jobId,
          taskManagerId: this.taskManagerId,
          subtasks: message.executionIds.map((executionId) => ({ executionId, ref: this.subtaskRef(executionId) })),
        });
        break;
      case 'subtaskState':
        this.tellJobManager({
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
        this.tellJobManager({ type: 'released', jobId: message.jobId, taskManagerId: this.taskManagerId });
        break;
      case 'toJobManager':
        this.tellJobManager(message.message);
        break;
      case 'reply': {
        const pending = this.replies.get(message.requestId);
        this.replies.delete(message.requestId);
        if (pending) this.proxyDeps.system.tell(pending.replyTo, message.payload);
        break;
      }
      default:
        assertNever(message, 'TaskManager report');
    }
  }

  /**
   * Everything on the TaskManager is gone: its subtasks fail (now, and again when started),
   * and the deployments and releases it did not answer are answered here.
   */
  protected failEverything(cause: Error): void {
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
      this.tellJobManager({ type: 'released', jobId, taskManagerId: this.taskManagerId });
    }
    this.pendingReleases.clear();
    this.subtasks.clear();
    // Queries (metrics, the actor tree) it did not answer are answered here: none waits for it.
    for (const { replyTo, ifLost } of this.replies.values()) this.proxyDeps.system.tell(replyTo, ifLost);
    this.replies.clear();
  }

  protected reportFailed(jobId: string, executionId: string, failure: TaskFailure): void {
    this.tellJobManager({ type: 'subtaskState', jobId, executionId, state: 'FAILED', failure });
  }

  protected tellJobManager(message: JobManagerMessage): void {
    this.proxyDeps.system.tell(this.proxyDeps.jobManager, message);
  }

  private expectReply<R>(replyTo: TypedRef<R>, ifLost: R): number {
    const id = this.nextRequest++;
    this.replies.set(id, { replyTo: replyTo as TypedRef<unknown>, ifLost });
    return id;
  }

  private subtaskRef(executionId: string): TypedRef<SubtaskMessage> {
    const ref = this.proxyDeps.system.threadRef<SubtaskMessage>(executionId, (message) => {
      const lost = this.lost.get(executionId);
      if (lost) {
        // Its TaskManager is gone: it fails when the JobManager starts it, so that the failure
        // is handled even if it was deployed while the job was not running yet.
        if (message.type === 'start') this.reportFailed(lost.jobId, executionId, lost.failure);
        return;
      }
      if (message.type === 'start') {
        this.sendCommand({ type: 'toSubtask', executionId, message: { type: 'start', wiring: this.toWiring(message.wiring) } });
      } else {
        this.sendCommand({ type: 'toSubtask', executionId, message });
      }
    });
    this.proxyDeps.addresses.set(ref, { taskManagerId: this.taskManagerId, executionId });
    return ref;
  }

  private toWiring(wiring: SubtaskWiring<SubtaskRef>): ThreadWiring {
    const address = (ref: TypedRef<SubtaskMessage>): SubtaskAddress => {
      const a = this.proxyDeps.addresses.get(ref);
      if (!a) throw new Error(`a subtask of this job is not on a TaskManager ${this.runsOn}`);
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

  /** A deployment that reached no TaskManager: its subtasks exist for the JobManager and fail when started. */
  private answerLostDeploy(jobId: string, deployments: readonly SubtaskDeployment[], cause: Error): void {
    for (const d of deployments) {
      const { vertex, subtaskIndex } = d.descriptor;
      this.lost.set(d.executionId, { jobId, failure: new TaskFailure(vertex.name, subtaskIndex, vertex.parallelism, cause) });
      this.subtasks.delete(d.executionId);
    }
    this.tellJobManager({
      type: 'deployed',
      jobId,
      taskManagerId: this.taskManagerId,
      subtasks: deployments.map((d) => ({ executionId: d.executionId, ref: this.subtaskRef(d.executionId) })),
    });
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
