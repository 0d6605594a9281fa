import createDebug from 'debug';
import { MessagePort, Worker } from 'worker_threads';
import { TaskFailure } from '../../lib/runtime/errors';
import { TextWriter } from '../../lib/runtime/StreamOperator';
import { SubtaskDeployment, SubtaskWiring } from '../../lib/controlplane/SubtaskWiring';
import { JobManagerMessage, SubtaskMessage, SubtaskRef, TaskManagerMessage } from '../messages';
import { ActorSystem, AnyRef, TypedRef } from '../nact';
import { FromThread, ThreadWiring, SerializedFailure, SubtaskAddress, ToThread } from './protocol';
import { assertNever } from '../../lib/util/assertNever';

const log = createDebug('brook:cluster');

export interface ThreadTaskManagerDeps {
  readonly system: ActorSystem;
  readonly jobManager: TypedRef<JobManagerMessage>;
  /** Every thread ref of a subtask of the cluster and where it runs (shared by all TaskManagers). */
  readonly addresses: Map<object, SubtaskAddress>;
  readonly stdout: TextWriter;
  readonly stderr: TextWriter;
  readonly onSinkResults: (nodeId: number, results: unknown) => void;
  /**
   * Starts a thread for this TaskManager, connected to the threads of the other TaskManagers
   * that run: at first, and again when its thread died (a new TaskManager in the dead one's
   * slots, as Flink's resource manager starts one for a lost TaskManager).
   */
  readonly startThread: () => Worker;
}

/** A subtask deployed on this TaskManager, as much as a failure report needs. */
interface DeployedSubtask {
  readonly jobId: string;
  readonly taskName: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
}

/**
 * The main thread's side of a TaskManager on a worker thread. To the JobManager it is a
 * TaskManager ref, and every subtask deployed there is a subtask ref, exactly as local actors;
 * messages are translated (refs to addresses, vertices to ids) and posted to the thread, and
 * what the thread posts back is told to the JobManager.
 *
 * A thread that dies (an uncaught error, process.exit, a failed start) takes its subtasks with
 * it: they are reported FAILED, naming the thread, and so is each of them again when the
 * JobManager starts it, so that the job fails over by its restart strategy in any phase
 * (deploying, starting, running). Deployments and releases the thread had not answered are
 * answered here. A thread that had started is replaced at once by a new one, which gets the next
 * deployments; one that never became ready is not, and whatever is deployed on it fails.
 */
export class ThreadTaskManager {
  readonly ref: TypedRef<TaskManagerMessage>;
  /** Resolves once the first thread defined the job; rejects if it failed to. */
  readonly ready: Promise<void>;
  private thread: Worker;
  private exited: Promise<void>;
  private threadReady = false;
  private registered = false;
  private stopping = false;
  /** The print output could not be written any more (said once). */
  private outputLost = false;
  /** Set when no thread runs for this TaskManager any more. */
  private dead: Error | undefined;
  private readonly replies = new Map<number, TypedRef<unknown>>();
  /** Subtasks on the current thread, by execution id. */
  private readonly subtasks = new Map<string, DeployedSubtask>();
  /** Subtasks of a thread that died, with the failure they report when started. */
  private readonly lost = new Map<string, { readonly jobId: string; readonly failure: TaskFailure }>();
  /** Deployments and releases posted to the current thread and not answered yet. */
  private readonly pendingDeploys = new Map<string, readonly SubtaskDeployment[]>();
  private readonly pendingReleases = new Set<string>();
  private nextRequest = 1;
  private markReady!: () => void;
  private failReady!: (e: Error) => void;

  constructor(
    readonly taskManagerId: number,
    private readonly deps: ThreadTaskManagerDeps,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.markReady = resolve;
      this.failReady = reject;
    });
    this.ready.catch(() => undefined);
    this.ref = deps.system.threadRef<TaskManagerMessage>(`taskmanager-${taskManagerId}`, (m) => this.toThread(m));
    this.thread = deps.startThread();
    this.exited = this.follow(this.thread);
  }

  /** True while a thread runs (or starts) for this TaskManager. */
  get alive(): boolean {
    return this.dead === undefined && !this.stopping;
  }

  /** Hands this TaskManager's thread its end of a channel to a thread started after it. */
  connectPeer(taskManagerId: number, port: MessagePort): void {
    this.thread.postMessage({ type: 'peer', taskManagerId, port } satisfies ToThread, [port]);
  }

  /** Asks the thread to stop its actors and exit (a thread that failed is terminated); resolves once it exited. */
  shutdown(): Promise<void> {
    this.stopping = true;
    if (this.dead) void this.thread.terminate();
    else this.post({ type: 'shutdown' });
    return this.exited;
  }

  private follow(thread: Worker): Promise<void> {
    thread.on('message', (m: FromThread) => {
      if (thread === this.thread) this.fromThread(m);
    });
    // The thread may throw anything, not only Errors (and its Errors may come from another realm).
    thread.on('error', (e: unknown) => {
      if (thread === this.thread) this.died(typeof (e as Error | undefined)?.message === 'string' ? (e as Error) : new Error(String(e)));
    });
    return new Promise((resolve) =>
      thread.on('exit', (code) => {
        if (thread === this.thread && !this.stopping) this.died(new Error(`the thread exited with code ${code}`));
        resolve();
      }),
    );
  }

  private post(message: ToThread): void {
    this.thread.postMessage(message);
  }

  private toThread(message: TaskManagerMessage): void {
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
          this.post(message);
        }
        break;
      case 'collectMetrics':
        this.post({ type: 'collectMetrics', jobId: message.jobId, requestId: this.expectReply(message.replyTo) });
        break;
      case 'describe':
        this.post({ type: 'describe', requestId: this.expectReply(message.replyTo) });
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
        // Its thread is gone: it fails when the JobManager starts it, so that the failure is
        // handled even if it was deployed while the job was not running yet.
        if (message.type === 'start') this.reportFailed(lost.jobId, executionId, lost.failure);
        return;
      }
      if (message.type === 'start') {
        this.post({ type: 'toSubtask', executionId, message: { type: 'start', wiring: this.toThreadWiring(message.wiring) } });
      } else {
        this.post({ type: 'toSubtask', executionId, message });
      }
    });
    this.deps.addresses.set(ref, { taskManagerId: this.taskManagerId, executionId });
    return ref;
  }

  private toThreadWiring(wiring: SubtaskWiring<SubtaskRef>): ThreadWiring {
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

  private fromThread(message: FromThread): void {
    const { system, jobManager } = this.deps;
    switch (message.type) {
      case 'ready':
        this.threadReady = true;
        // A replacement thread takes over the slots the TaskManager registered with.
        if (!this.registered) {
          this.registered = true;
          system.tell(jobManager, {
            type: 'registerTaskManager',
            taskManagerId: message.taskManagerId,
            slots: message.slots,
            location: { kind: 'thread', threadNumber: message.taskManagerId },
            ref: this.ref,
          });
        } else log('TaskManager thread %d replaced', this.taskManagerId);
        this.markReady();
        break;
      case 'fatal':
        this.died(new Error(message.message));
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
        this.printed(this.deps.stdout, message.text);
        break;
      case 'stderr':
        this.printed(this.deps.stderr, message.text);
        break;
      case 'sinkResults':
        this.deps.onSinkResults(message.nodeId, message.results);
        break;
      case 'closed':
        break;
      default:
        assertNever(message, 'message from a TaskManager thread');
    }
  }

  /**
   * A thread's print output, written here. A writer that failed (the reader of the pipe went
   * away) is said once on stderr; the rest is dropped rather than ending the process.
   */
  private printed(writer: TextWriter, text: string): void {
    try {
      writer.write(text);
    } catch (e) {
      if (this.outputLost) return;
      this.outputLost = true;
      process.stderr.write(`brook: ${(e as Error).message}; the print output of TaskManager ${this.taskManagerId} is dropped from now on\n`);
    }
  }

  private died(error: Error): void {
    if (this.dead) return;
    const wasReady = this.threadReady;
    this.threadReady = false;
    const cause = new Error(`TaskManager thread ${this.taskManagerId} died: ${error.message}`);
    if (error.stack) cause.stack = `${cause.message}\n${error.stack.split('\n').slice(1).join('\n')}`;
    log('%s', cause.message);
    this.failReady(cause);
    const { system, jobManager } = this.deps;
    // Everything on the thread is gone: its subtasks fail (now, and again when started).
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
    // Queries (metrics, the actor tree) the thread did not answer time out on the asking side.
    this.replies.clear();
    const previous = this.thread;
    if (wasReady && !this.stopping) {
      this.thread = this.deps.startThread();
      this.exited = this.follow(this.thread);
      void previous.terminate();
    } else {
      this.dead = cause;
    }
  }

  /** A deployment that reached no thread: its subtasks exist for the JobManager and fail when started. */
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
