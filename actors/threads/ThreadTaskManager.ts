import createDebug from 'debug';
import { MessagePort, Worker } from 'worker_threads';
import { TextWriter } from '../../lib/runtime/StreamOperator';
import { TaskManagerProxy, TaskManagerProxyDeps } from '../TaskManagerProxy';
import { FromThread, isTaskManagerReport, TaskManagerCommand, ThreadDeployment, ToThread } from './protocol';
import { assertNever } from '../../lib/util/assertNever';

const log = createDebug('brook:cluster');

export interface ThreadTaskManagerDeps extends TaskManagerProxyDeps {
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

/**
 * The main thread's side of a TaskManager on a worker thread (see TaskManagerProxy): messages
 * are posted to the thread, and what the thread posts back is told to the JobManager.
 *
 * A thread that dies (an uncaught error, process.exit, a failed start) takes its subtasks with
 * it: they fail, naming the thread. A thread that had started is replaced at once by a new one,
 * which gets the next deployments; one that never became ready is not, and whatever is deployed
 * on it fails.
 */
export class ThreadTaskManager extends TaskManagerProxy {
  protected readonly runsOn = 'thread';
  /** Resolves once the first thread defined the job; rejects if it failed to. */
  readonly ready: Promise<void>;
  private thread: Worker;
  private exited: Promise<void>;
  private threadReady = false;
  private registered = false;
  private stopping = false;
  /** The print output could not be written any more (said once). */
  private outputLost = false;
  private markReady!: () => void;
  private failReady!: (e: Error) => void;

  constructor(
    taskManagerId: number,
    private readonly deps: ThreadTaskManagerDeps,
  ) {
    super(taskManagerId, deps);
    this.ready = new Promise((resolve, reject) => {
      this.markReady = resolve;
      this.failReady = reject;
    });
    this.ready.catch(() => undefined);
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

  protected sendDeploy(jobId: string, deployments: readonly ThreadDeployment[]): void {
    this.post({ type: 'deploy', jobId, deployments });
  }

  protected sendCommand(command: TaskManagerCommand): void {
    this.post(command);
  }

  private fromThread(message: FromThread): void {
    if (isTaskManagerReport(message)) {
      this.received(message);
      return;
    }
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
    this.failEverything(cause);
    const previous = this.thread;
    if (wasReady && !this.stopping) {
      this.thread = this.deps.startThread();
      this.exited = this.follow(this.thread);
      void previous.terminate();
    } else {
      this.dead = cause;
    }
  }
}
