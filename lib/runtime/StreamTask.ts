import createDebug from 'debug';
import type { TraceLog } from '../util/TraceLog';
import { JobVertex } from '../graph/JobGraph';
import { StreamNode } from '../graph/StreamGraph';
import { Clock } from '../time/Clock';
import { inputChannelTypeNumbers } from '../graph/ExecutionGraph';
import { assertNever } from '../util/assertNever';
import { SeededRandom } from '../util/SeededRandom';
import { ChannelMessage } from './ChannelMessage';
import { CheckpointBarrier } from './checkpoint/CheckpointBarrier';
import { BarrierHandlerTarget, CheckpointBarrierHandler, createBarrierHandler } from './checkpoint/CheckpointBarrierHandler';
import { operatorIdOf } from './checkpoint/OperatorId';
import { TaskRestore } from './checkpoint/StateAssignment';
import { CheckpointResponder, SubtaskCheckpointCoordinator } from './checkpoint/SubtaskCheckpointCoordinator';
import { TaskFailure } from './errors';
import { ExecutionState } from './ExecutionState';
import { MailboxTimerService } from './MailboxTimerService';
import { OperatorChain } from './OperatorChain';
import { StreamInputProcessor } from './StreamInputProcessor';
import { createStreamTaskInput, StreamTaskInput } from './StreamTaskInput';
import { OperatorContext, StreamOperator, TextWriter } from './StreamOperator';
import { computeKeyGroupRangeForOperatorIndex } from '../partitioners/keyGroups';
import { TaskConfig } from './TaskConfig';
import { TaskMessage } from './TaskMessage';
import { canMove, describePhase, executionStateOf, TaskPhase } from './TaskPhase';
import { OperatorMetrics, TaskMetricsSnapshot } from './TaskMetrics';
import { NOT_STARTED, TaskOutputs } from './TaskOutputs';
import { InputChannelEndpoint, TaskWiring } from './TaskWiring';

/** What the task needs from whoever runs it (the subtask actor, or a test). */
export interface TaskHost {
  readonly clock: Clock;
  readonly stdout: TextWriter;
  readonly stderr: TextWriter;
  /** Puts a message in this task's own mailbox. */
  post(message: TaskMessage): void;
  onStateChange(state: ExecutionState, failure?: TaskFailure): void;
  /** Where checkpoint acknowledgements go; required when the job checkpoints. */
  readonly checkpointResponder?: CheckpointResponder;
  /** Lets a test harness wait for asynchronous work (state writes, commits) as it waits for messages. */
  trackAsync?(work: Promise<unknown>): void;
  /** See OperatorContext.checkFence: given to every operator of the task. */
  readonly checkFence?: (action: string) => Promise<void>;
}

export interface TaskDescriptor {
  readonly jobName: string;
  readonly vertex: JobVertex;
  readonly subtaskIndex: number;
  readonly attemptNumber: number;
  readonly config: TaskConfig;
  /** The job run this subtask belongs to. */
  readonly jobId?: string;
  /** State to start from (restore from a checkpoint or savepoint); absent for a fresh start. */
  readonly restore?: TaskRestore;
}

/**
 * One subtask: runs its operator chain on what arrives in its mailbox. Input batches are
 * processed only while every output channel can take more (credit-based flow control);
 * otherwise they wait in the input queue, un-credited, so the producers upstream stop too.
 * A source task polls its reader in slices of `sourceBatchSize` records, yielding between
 * slices so other subtasks run. The task finishes once all input ended and all output left
 * (with checkpointing, after a final checkpoint: see TaskPhase).
 */
export class StreamTask implements BarrierHandlerTarget {
  readonly name: string;
  readonly log: TraceLog;
  private phase: TaskPhase = { kind: 'created' };
  private chain!: OperatorChain;
  private head!: StreamOperator<unknown, unknown>;
  private headMetrics!: OperatorMetrics;
  /** Routes input channels to the head operator (one or two logical inputs, a watermark valve each). */
  private input: StreamTaskInput | undefined;
  private inputs: readonly InputChannelEndpoint[] = [];
  private outputs!: TaskOutputs;
  private readonly timers: MailboxTimerService;
  private inputProcessor: StreamInputProcessor | undefined;
  /** Channel messages that arrive before the task started (worker threads) wait here. */
  private readonly early: ChannelMessage[] = [];
  /** A poll message is in the mailbox: wake-ups of the reader do not post another. */
  private pollScheduled = false;
  private barrierHandler: CheckpointBarrierHandler | undefined;
  private checkpointer: SubtaskCheckpointCoordinator | undefined;
  /** Async work of operators and of checkpoints (commits, state writes) not yet done. */
  private pendingAsync = 0;
  /** Holds on input taken by operators (a sink waiting for its destination to drain). */
  private inputHolds = 0;
  private busyTimeMs = 0;
  /** The same work, kept until it settled, also once the task ended (a sink's abort at close). */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Input ended and an operator still has async work: the rest of end of input waits for it. */
  private endingInput = false;
  /**
   * Mailbox actions that arrived while the task is suspended at a stop-with-savepoint barrier:
   * what they would emit belongs after the savepoint, whose state already holds their inputs.
   * Run if the savepoint fails and the task goes on; dropped when the task finishes.
   */
  private readonly heldMails: Array<() => void> = [];

  constructor(
    readonly descriptor: TaskDescriptor,
    private readonly host: TaskHost,
  ) {
    const { vertex, subtaskIndex } = descriptor;
    this.name = vertex.name;
    this.log = createDebug(`brook:task:${vertex.name}#${subtaskIndex}`);
    this.timers = new MailboxTimerService(host.clock, (timerId) => host.post({ type: 'processingTimer', timerId }));
  }

  private get checkpointing(): boolean {
    return this.descriptor.config.checkpointingMode !== undefined;
  }

  get executionState(): ExecutionState {
    return executionStateOf(this.phase);
  }

  /** Where the task is in its life, finer than its execution state. */
  get lifecycle(): TaskPhase {
    return this.phase;
  }

  /** RUNNING in Flink's terms: the task takes part in checkpoints and hears of their outcome. */
  private get isRunning(): boolean {
    return executionStateOf(this.phase) === 'RUNNING';
  }

  get isBackPressured(): boolean {
    return this.outputs?.isBlocked ?? false;
  }

  /** True while checkpoint alignment holds back the messages of input channel `channel`. */
  isInputChannelBlocked(channel: number): boolean {
    return this.barrierHandler?.isBlocked(channel) ?? false;
  }

  get currentInputWatermark(): number {
    return this.input?.currentWatermark ?? Number.MIN_SAFE_INTEGER;
  }

  /** Wires the channels, opens the operators and starts running. */
  start(wiring: TaskWiring): void {
    if (this.phase.kind !== 'created') throw new Error(`task ${this.name} started twice`);
    this.moveTo({ kind: 'deploying' });
    try {
      this.wire(wiring);
      this.initializeState();
      this.chain.open();
      this.outputs.begin();
      this.moveTo({ kind: 'running' });
      this.report('RUNNING');
      const source = this.chain.sourceOperator;
      if (source) {
        source.createReader({
          wakeup: () => this.schedulePoll(),
          fail: (error) => this.host.post({ type: 'readerFailed', error }),
        });
        source.startReader();
        this.schedulePoll();
      } else if (this.inputs.length === 0) {
        throw new Error(`task '${this.name}' has neither a source nor inputs`);
      }
      this.drainInput();
    } catch (e) {
      this.fail(e);
    }
  }

  /** Handles one mailbox message. Never throws: a failure fails the task and is reported. */
  handle(message: TaskMessage): void {
    if (this.phase.kind === 'ended') return;
    const started = this.host.clock.now();
    try {
      switch (message.type) {
        case 'records':
        case 'watermark':
        case 'watermarkStatus':
        case 'endOfInput':
        case 'barrier':
        case 'endOfPartition':
          if (this.inputProcessor) this.inputProcessor.enqueue(message);
          else this.early.push(message);
          this.drainInput();
          break;
        case 'triggerCheckpoint':
          this.triggerSourceCheckpoint(message.barrier);
          break;
        case 'notifyCheckpointComplete':
          this.notifyCheckpointComplete(message.checkpointId);
          break;
        case 'notifyCheckpointAborted':
          this.notifyCheckpointAborted(message.checkpointId);
          break;
        case 'asyncDone':
          this.pendingAsync--;
          this.tryFinish();
          break;
        case 'inputReleased':
          this.inputHolds--;
          this.afterOutputProgress();
          break;
        case 'credit':
          this.outputs.addCredit(message.outputChannel, message.credits);
          this.afterOutputProgress();
          break;
        case 'poll':
          this.pollScheduled = false;
          this.pollSource();
          break;
        case 'processingTimer':
          if (this.isRunning && this.timers.fire(message.timerId)) this.chain.flush();
          break;
        case 'flushBuffers':
          this.outputs.onFlushTimer();
          break;
        case 'readerFailed':
          throw message.error;
        case 'asyncFailed':
          this.pendingAsync--;
          throw message.error;
        case 'mail':
          this.runMail(message.action);
          break;
        default:
          assertNever(message, 'task message');
      }
      this.outputs?.afterMailboxAction();
    } catch (e) {
      this.fail(e);
    } finally {
      this.busyTimeMs += this.host.clock.now() - started;
    }
  }

  /**
   * Resolves once every asynchronous work the task started has settled, including what its
   * operators started when they closed (a sink's abort, its last writes). A task that ended may
   * still have such work in flight: the next attempt must not start before it landed.
   */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops the task where it stands (job cancelled or failed elsewhere). */
  cancel(): void {
    if (this.phase.kind === 'ended') return;
    this.moveTo({ kind: 'canceling' });
    this.release();
    this.moveTo({ kind: 'ended', state: 'CANCELED' });
    this.report('CANCELED');
  }

  metrics(): TaskMetricsSnapshot {
    return {
      ...(this.outputs?.snapshot() ?? NOT_STARTED),
      numRecordsIn: this.inputProcessor?.numRecordsIn ?? 0,
      numBatchesIn: this.inputProcessor?.numBatchesIn ?? 0,
      currentInputWatermark: this.currentInputWatermark,
      inputChannelWatermarks: this.input ? this.input.channelWatermarks() : [],
      queuedInputMessages: this.early.length + (this.inputProcessor?.queuedMessages ?? 0),
      busyTimeMs: this.busyTimeMs,
      operators: this.chain ? this.chain.operators.map((o) => o.metrics.snapshot()) : [],
    };
  }

  // ---- internals

  private wire(wiring: TaskWiring): void {
    const { vertex, subtaskIndex, config } = this.descriptor;
    const random = new SeededRandom(config.seed).derive(vertex.id * 65_537 + subtaskIndex);
    this.outputs = new TaskOutputs(wiring.outputs, config, this.host.clock, random, () => this.host.post({ type: 'flushBuffers' }));
    this.inputs = wiring.inputs;
    const mode = config.checkpointingMode;
    if (mode) {
      const responder = this.host.checkpointResponder;
      if (!responder) throw new Error(`task '${this.name}' cannot checkpoint: its host has no checkpoint responder`);
      this.checkpointer = new SubtaskCheckpointCoordinator(`${vertex.id}-${subtaskIndex}.state`, this.host.clock, responder, this.log, (work) =>
        this.remember(work),
      );
      if (wiring.inputs.length > 0) this.barrierHandler = createBarrierHandler(mode, wiring.inputs.length, this, () => this.host.clock.now());
    }
    this.chain = new OperatorChain(vertex, this.outputs.writersByEdge, (node, metrics) => this.operatorContext(node, metrics));
    this.head = this.chain.head.operator;
    this.headMetrics = this.chain.head.metrics;
    this.input = createStreamTaskInput(this.head, inputChannelTypeNumbers(vertex, subtaskIndex));
    if (this.input && wiring.inputs.length !== this.input.channelWatermarks().length) {
      throw new Error(`task '${this.name}' got ${wiring.inputs.length} input channels, its job vertex says ${this.input.channelWatermarks().length}`);
    }
    if (this.input) {
      this.inputProcessor = new StreamInputProcessor(this.name, this.input, wiring.inputs, this.headMetrics, this.barrierHandler, () => this.endOfInput());
      for (const m of this.early.splice(0)) this.inputProcessor.enqueue(m);
    }
  }

  private operatorContext(node: StreamNode, metrics: OperatorMetrics): OperatorContext {
    const { vertex, subtaskIndex, attemptNumber, config } = this.descriptor;
    return {
      operatorName: node.name,
      taskName: vertex.name,
      subtaskIndex,
      parallelism: vertex.parallelism,
      maxParallelism: vertex.maxParallelism,
      attemptNumber,
      clock: this.host.clock,
      processingTimeService: this.timers,
      metrics,
      log: this.log,
      stdout: this.host.stdout,
      stderr: this.host.stderr,
      autoWatermarkInterval: config.autoWatermarkInterval,
      checkpointingMode: config.checkpointingMode,
      jobId: this.descriptor.jobId,
      trackAsync: (work, what) => this.trackAsync(work, `${node.name}: ${what}`),
      holdInputUntil: (work, what) => this.holdInputUntil(work, `${node.name}: ${what}`),
      mailboxExecutor: { execute: (action, description) => this.host.post({ type: 'mail', action, description }) },
      checkFence: this.host.checkFence,
    };
  }

  /** Flink: every operator's initializeState runs before any open, restored or not. */
  private initializeState(): void {
    const { vertex, subtaskIndex, restore } = this.descriptor;
    const keyGroupRange = computeKeyGroupRangeForOperatorIndex(vertex.maxParallelism, vertex.parallelism, subtaskIndex);
    for (const op of this.chain.operators) {
      if (!op.operator.initializeState) continue;
      const restored = restore?.operators[operatorIdOf(op.node)];
      op.operator.initializeState(
        restored ?? { isRestored: restore !== undefined, restoredCheckpointId: restore?.checkpointId, keyGroupRange, keyed: new Map(), operator: [] },
      );
    }
  }

  private remember(work: Promise<unknown>): void {
    this.inFlight.add(work);
    const forget = (): void => void this.inFlight.delete(work);
    work.then(forget, forget);
    this.host.trackAsync?.(work);
  }

  private trackAsync(work: Promise<unknown>, what: string): void {
    this.pendingAsync++;
    const done = work.then(
      () => this.host.post({ type: 'asyncDone' }),
      (e: unknown) => {
        const error = e instanceof Error ? e : new Error(String(e));
        this.host.post({ type: 'asyncFailed', error: Object.assign(error, { message: `${what}: ${error.message}` }) });
      },
    );
    this.remember(done);
  }

  private holdInputUntil(work: Promise<unknown>, what: string): void {
    this.inputHolds++;
    const released = work.then(() => this.host.post({ type: 'inputReleased' }));
    this.trackAsync(released, what);
  }

  /** Whether the task may take input now: its output has credit and no operator holds it back or refuses input. */
  private get mayTakeInput(): boolean {
    return !this.outputs.isBlocked && this.inputHolds === 0 && !this.chain.isInputBlocked();
  }

  private drainInput(): void {
    if (!this.isRunning || !this.inputProcessor) return;
    this.inputProcessor.process(() => this.mayTakeInput && this.isRunning);
    this.chain.flush();
  }

  private pollSource(): void {
    const source = this.chain.sourceOperator;
    // Suspended at a savepoint: nothing after the barrier; past the end: nothing left.
    if (!source || this.phase.kind !== 'running' || this.endingInput) return;
    if (!this.mayTakeInput) return; // resumed by afterOutputProgress (credit, a released hold) or runMail (an operator has room)
    const status = source.emitNext(this.descriptor.config.sourceBatchSize);
    this.chain.flush();
    if (status === 'MORE_AVAILABLE') this.schedulePoll();
    else if (status === 'END_OF_INPUT') {
      this.log('source reached the end of its input');
      this.endOfInput();
    }
  }

  private schedulePoll(): void {
    if (this.pollScheduled || this.phase.kind !== 'running') return;
    this.pollScheduled = true;
    this.host.post({ type: 'poll' });
  }

  private afterOutputProgress(): void {
    if (!this.mayTakeInput) return;
    if (this.phase.kind === 'awaitingFinalCheckpoint' || this.phase.kind === 'finishing') {
      this.tryFinish();
      return;
    }
    if (this.chain.sourceOperator) this.schedulePoll();
    else this.drainInput();
  }

  /**
   * An operator's mailbox action (an async completion): it may emit, free room for input, or be
   * the last work the end of input waited for.
   */
  private runMail(action: () => void): void {
    // A cancelled or failed task ignores completions of requests it abandoned.
    if (!this.isRunning) return;
    if (this.phase.kind === 'suspendedAtSavepoint') {
      this.heldMails.push(action);
      return;
    }
    action();
    this.chain.flush();
    if (this.endingInput) {
      if (this.chain.endInput()) this.endOfInputDone();
    } else if (this.chain.sourceOperator) this.schedulePoll();
    else this.drainInput();
  }

  /** All input has ended: let the chain flush, pass end-of-input on, and finish when sent. */
  private endOfInput(): void {
    this.endingInput = true;
    if (this.chain.endInput()) this.endOfInputDone();
    else this.chain.flush();
  }

  private endOfInputDone(): void {
    this.endingInput = false;
    this.chain.flush();
    this.outputs.endOfInput();
    if (!this.checkpointing) this.moveTo({ kind: 'finishing' });
    else {
      // A stop-with-savepoint barrier that passed before the end counts as the final checkpoint.
      const taken = this.phase.kind === 'suspendedAtSavepoint' ? this.phase.savepointId : undefined;
      this.moveTo({ kind: 'awaitingFinalCheckpoint', finalCheckpointId: taken });
    }
    this.tryFinish();
  }

  /**
   * Finishes once output is sent and async work is done. With checkpointing, consumers then
   * learn that no barrier follows (endOfPartition).
   */
  private tryFinish(): void {
    if (this.phase.kind !== 'finishing' || this.outputs.isBlocked || this.pendingAsync > 0) return;
    if (this.checkpointing) this.outputs.endOfPartition();
    const errors = this.release();
    if (errors.length > 0) throw errors[0];
    this.moveTo({ kind: 'ended', state: 'FINISHED' });
    this.report('FINISHED');
  }

  // ---- checkpoints

  /** A source subtask injects a barrier: its snapshot holds exactly what it emitted before. */
  private triggerSourceCheckpoint(barrier: CheckpointBarrier): void {
    if (!this.checkpointer || !this.isRunning || this.phase.kind === 'suspendedAtSavepoint') {
      this.host.checkpointResponder?.declineCheckpoint(barrier.checkpointId, `task '${this.name}' is ${describePhase(this.phase)}`, false);
      return;
    }
    this.performCheckpoint(barrier, 0);
  }

  triggerCheckpointOnBarrier(barrier: CheckpointBarrier, alignmentDurationMs: number): void {
    this.performCheckpoint(barrier, alignmentDurationMs);
  }

  abortCheckpointOnBarrier(checkpointId: number): void {
    this.log('alignment of checkpoint %d abandoned', checkpointId);
    this.host.checkpointResponder?.declineCheckpoint(checkpointId, `task '${this.name}' abandoned the alignment of checkpoint ${checkpointId}`, false);
  }

  releaseHeldMessages(messages: ChannelMessage[]): void {
    this.inputProcessor!.releaseHeld(messages);
  }

  private performCheckpoint(barrier: CheckpointBarrier, alignmentDurationMs: number): void {
    this.chain.flush();
    this.checkpointer!.checkpointState(barrier, this.chain.operators, this.outputs.writers, alignmentDurationMs);
    const { checkpointId } = barrier;
    switch (this.phase.kind) {
      case 'running':
        if (barrier.kind === 'SAVEPOINT_SUSPEND') this.moveTo({ kind: 'suspendedAtSavepoint', savepointId: checkpointId });
        break;
      case 'suspendedAtSavepoint':
        if (barrier.kind === 'SAVEPOINT_SUSPEND') this.moveTo({ kind: 'suspendedAtSavepoint', savepointId: checkpointId });
        break;
      case 'awaitingFinalCheckpoint':
        // Also a stop-with-savepoint: the task ends when it completes either way.
        if (this.phase.finalCheckpointId === undefined) this.moveTo({ kind: 'awaitingFinalCheckpoint', finalCheckpointId: checkpointId });
        break;
      case 'finishing':
        break;
      case 'created':
      case 'deploying':
      case 'canceling':
      case 'ended':
        throw new Error(`task '${this.name}' took checkpoint ${checkpointId} while ${describePhase(this.phase)}`);
      default:
        assertNever(this.phase, 'task phase');
    }
  }

  private notifyCheckpointComplete(checkpointId: number): void {
    if (!this.isRunning) return;
    for (const op of this.chain.operators) op.operator.notifyCheckpointComplete?.(checkpointId);
    this.chain.flush();
    const phase = this.phase;
    if (phase.kind === 'awaitingFinalCheckpoint' && phase.finalCheckpointId !== undefined && checkpointId >= phase.finalCheckpointId) {
      this.moveTo({ kind: 'finishing' });
      this.tryFinish();
    } else if (phase.kind === 'suspendedAtSavepoint' && checkpointId >= phase.savepointId) {
      // Stop-with-savepoint completed: end without end-of-input (no final watermark, windows stay in the savepoint).
      this.moveTo({ kind: 'finishing' });
      this.tryFinish();
    }
  }

  private notifyCheckpointAborted(checkpointId: number): void {
    if (!this.isRunning) return;
    this.barrierHandler?.processCancellation(checkpointId);
    for (const op of this.chain.operators) op.operator.notifyCheckpointAborted?.(checkpointId);
    const phase = this.phase;
    if (phase.kind === 'suspendedAtSavepoint' && phase.savepointId === checkpointId) {
      // The stop-with-savepoint failed: the job goes on.
      this.moveTo({ kind: 'running' });
      for (const action of this.heldMails.splice(0)) this.runMail(action);
      if (this.chain.sourceOperator) this.schedulePoll();
    } else if (phase.kind === 'awaitingFinalCheckpoint' && phase.finalCheckpointId === checkpointId) {
      // The next checkpoint will be the final one.
      this.moveTo({ kind: 'awaitingFinalCheckpoint', finalCheckpointId: undefined });
    }
    this.drainInput();
  }

  private fail(error: unknown): void {
    if (this.phase.kind === 'ended') return;
    const failure = new TaskFailure(this.name, this.descriptor.subtaskIndex, this.descriptor.vertex.parallelism, error);
    this.log('failed: %s', failure.message);
    this.phase = { kind: 'ended', state: 'FAILED' };
    this.release();
    this.report('FAILED', failure);
  }

  /** Cancels timers and closes operators (sources close their sockets and files). */
  private release(): unknown[] {
    this.timers.cancelAll();
    this.outputs?.release();
    return this.chain ? this.chain.close() : [];
  }

  /** The one place the phase changes (but for a failure, which ends the task from any phase). */
  private moveTo(next: TaskPhase): void {
    if (!canMove(this.phase, next)) throw new Error(`task '${this.name}' cannot go from ${describePhase(this.phase)} to ${describePhase(next)}`);
    this.phase = next;
    this.log('%s', describePhase(next));
  }

  private report(state: ExecutionState, failure?: TaskFailure): void {
    this.host.onStateChange(state, failure);
  }
}
