import createDebug from 'debug';
import { Worker } from 'worker_threads';
import { TaskFailure } from '../../lib/runtime/errors';
import { TextWriter } from '../../lib/runtime/StreamOperator';
import { JobManagerMessage, SubtaskMessage, SubtaskWiring, TaskManagerMessage } from '../messages';
import { ActorSystem, AnyRef, TypedRef } from '../nact';
import { FromWorker, RemoteWiring, SerializedFailure, SubtaskAddress, ToWorker } from './protocol';

const log = createDebug('brook:cluster');

export interface RemoteTaskManagerDeps {
  readonly system: ActorSystem;
  readonly jobManager: TypedRef<JobManagerMessage>;
  /** Every remote subtask ref of the cluster and where it runs (shared by all TaskManagers). */
  readonly addresses: Map<object, SubtaskAddress>;
  readonly stdout: TextWriter;
  readonly stderr: TextWriter;
  readonly onSinkResults: (nodeId: number, results: unknown) => void;
}

/**
 * The main thread's side of a TaskManager on a worker thread. To the JobManager it is a
 * TaskManager ref, and every subtask deployed there is a subtask ref, exactly as local actors;
 * messages are translated (refs to addresses, vertices to ids) and posted to the worker, and
 * what the worker posts back is told to the JobManager. If the thread dies, its subtasks are
 * reported failed and a release is answered at once, so the job fails instead of hanging.
 */
export class RemoteTaskManager {
  readonly ref: TypedRef<TaskManagerMessage>;
  readonly ready: Promise<void>;
  readonly closed: Promise<void>;
  private readonly replies = new Map<number, TypedRef<unknown>>();
  private readonly executions = new Map<string, string>(); // executionId → jobId
  private nextRequest = 1;
  private dead: Error | undefined;
  private markReady!: () => void;
  private failReady!: (e: Error) => void;
  private markClosed!: () => void;

  constructor(
    readonly taskManagerId: number,
    private readonly worker: Worker,
    private readonly deps: RemoteTaskManagerDeps,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.markReady = resolve;
      this.failReady = reject;
    });
    this.ready.catch(() => undefined);
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
    this.ref = deps.system.remoteRef<TaskManagerMessage>(`taskmanager-${taskManagerId}`, (m) => this.toWorker(m));
    worker.on('message', (m: FromWorker) => this.fromWorker(m));
    worker.on('error', (e) => this.died(e));
    worker.on('exit', (code) => {
      if (code !== 0) this.died(new Error(`exited with code ${code}`));
      this.markClosed();
    });
  }

  /** Asks the thread to stop its actors and exit; a thread that failed is terminated. */
  shutdown(): void {
    if (this.dead) void this.worker.terminate();
    else this.post({ type: 'shutdown' });
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private toWorker(message: TaskManagerMessage): void {
    switch (message.type) {
      case 'deploy':
        this.post({
          type: 'deploy',
          jobId: message.jobId,
          deployments: message.deployments.map((d) => ({
            jobId: d.descriptor.jobId,
            executionId: d.executionId,
            vertexId: d.descriptor.vertex.id,
            subtaskIndex: d.descriptor.subtaskIndex,
            attemptNumber: d.descriptor.attemptNumber,
            config: d.descriptor.config,
          })),
        });
        break;
      case 'release':
        if (this.dead) this.deps.system.tell(this.deps.jobManager, { type: 'released', jobId: message.jobId, taskManagerId: this.taskManagerId });
        else this.post(message);
        break;
      case 'collectMetrics':
        this.post({ type: 'collectMetrics', jobId: message.jobId, requestId: this.expectReply(message.replyTo) });
        break;
      case 'describe':
        this.post({ type: 'describe', requestId: this.expectReply(message.replyTo) });
        break;
    }
  }

  private expectReply(replyTo: AnyRef): number {
    const id = this.nextRequest++;
    this.replies.set(id, replyTo as TypedRef<unknown>);
    return id;
  }

  private subtaskRef(jobId: string, executionId: string): TypedRef<SubtaskMessage> {
    const ref = this.deps.system.remoteRef<SubtaskMessage>(executionId, (message) => {
      if (message.type === 'start') {
        this.post({ type: 'toSubtask', executionId, message: { type: 'start', wiring: this.toRemoteWiring(message.wiring) } });
      } else {
        this.post({ type: 'toSubtask', executionId, message });
      }
    });
    this.deps.addresses.set(ref, { taskManagerId: this.taskManagerId, executionId });
    this.executions.set(executionId, jobId);
    return ref;
  }

  private toRemoteWiring(wiring: SubtaskWiring): RemoteWiring {
    const address = (ref: TypedRef<SubtaskMessage>): SubtaskAddress => {
      const a = this.deps.addresses.get(ref);
      if (!a) throw new Error('a subtask of this job is not on a TaskManager thread');
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

  private fromWorker(message: FromWorker): void {
    const { system, jobManager } = this.deps;
    switch (message.type) {
      case 'ready':
        system.tell(jobManager, { type: 'registerTaskManager', taskManagerId: message.taskManagerId, slots: message.slots, ref: this.ref });
        this.markReady();
        break;
      case 'fatal':
        this.died(new Error(message.message));
        break;
      case 'deployed':
        system.tell(jobManager, {
          type: 'deployed',
          jobId: message.jobId,
          taskManagerId: this.taskManagerId,
          subtasks: message.executionIds.map((executionId) => ({ executionId, ref: this.subtaskRef(message.jobId, executionId) })),
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
        this.deps.stdout.write(message.text);
        break;
      case 'stderr':
        this.deps.stderr.write(message.text);
        break;
      case 'sinkResults':
        this.deps.onSinkResults(message.nodeId, message.results);
        break;
      case 'closed':
        break;
    }
  }

  private died(error: Error): void {
    if (this.dead) return;
    this.dead = new Error(`TaskManager thread ${this.taskManagerId} failed: ${error.message}`);
    log('%s', this.dead.message);
    this.failReady(this.dead);
    for (const [executionId, jobId] of this.executions) {
      this.deps.system.tell(this.deps.jobManager, {
        type: 'subtaskState',
        jobId,
        executionId,
        state: 'FAILED',
        failure: new TaskFailure(`TaskManager ${this.taskManagerId}`, 0, 1, this.dead),
      });
    }
  }
}

function rebuildFailure(f: SerializedFailure): TaskFailure {
  const cause = new Error(f.causeMessage);
  cause.name = f.causeName;
  if (f.causeStack) cause.stack = f.causeStack;
  return new TaskFailure(f.taskName, f.subtaskIndex, f.parallelism, cause);
}
