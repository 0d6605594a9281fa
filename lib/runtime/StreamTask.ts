import createDebug, { Debugger } from 'debug';
import { JobVertex } from '../graph/JobGraph';
import { StreamNode } from '../graph/StreamGraph';
import { Clock } from '../time/Clock';
import { inputChannelTypeNumbers } from '../graph/ExecutionGraph';
import { SeededRandom } from '../util/SeededRandom';
import { ChannelMessage } from './ChannelMessage';
import { CheckpointBarrier } from './checkpoint/CheckpointBarrier';
import { BarrierHandlerTarget, CheckpointBarrierHandler, createBarrierHandler } from './checkpoint/CheckpointBarrierHandler';
import { operatorIdOf } from './checkpoint/OperatorId';
import { TaskRestore } from './checkpoint/StateAssignment';
import { CheckpointResponder, SubtaskCheckpointCoordinator } from './checkpoint/SubtaskCheckpointCoordinator';
import { TaskFailure } from './errors';
import { ExecutionState, isTerminal } from './ExecutionState';
import { FaultInjector, InjectedActorCrash } from './FaultInjector';
import { MailboxTimerService } from './MailboxTimerService';
import { OperatorChain } from './OperatorChain';
import { StreamInputProcessor } from './StreamInputProcessor';
import { createStreamTaskInput, StreamTaskInput } from './StreamTaskInput';
import { OperatorContext, StreamOperator, TextWriter } from './StreamOperator';
import { computeKeyGroupRangeForOperatorIndex } from '../partitioners/keyGroups';
import { TaskConfig } from './TaskConfig';
import { TaskMessage } from './TaskMessage';
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
 * slices so other subtasks run. The task finishes once all input ended and all output left.
 */
export class StreamTask implements BarrierHandlerTarget {
  readonly name: string;
  readonly log: Debugger;
  private state: ExecutionState = 'CREATED';
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
  private pollScheduled = false;
  private sourceEnded = false;
  private finishing = false;
  private barrierHandler: CheckpointBarrierHandler | undefined;
  private checkpointer: SubtaskCheckpointCoordinator | undefined;
  private readonly faults: FaultInjector | undefined;
  /** Async work of operators and of checkpoints (commits, state writes) not yet done. */
  private pendingAsync = 0;
  /** The same work, kept until it settled, also once the task ended (a sink's abort at close). */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** With checkpointing, a task that reached its end waits for a checkpoint taken after it. */
  private endOfInputReached = false;
  private finalCheckpointId: number | undefined;
  private finalCheckpointCompleted = false;
  /** Stop-with-savepoint: the source stopped at this savepoint and the task ends when it completes. */
  private suspendedAt: number | undefined;

  constructor(
    readonly descriptor: TaskDescriptor,
    private readonly host: TaskHost,
  ) {
    const { vertex, subtaskIndex, attemptNumber, config } = descriptor;
    this.name = vertex.name;
    this.log = createDebug(`brook:task:${vertex.name}#${subtaskIndex}`);
    this.faults = FaultInjector.create(config.faults, vertex.name, subtaskIndex, attemptNumber, (error) => host.post({ type: 'crash', error }));
    this.timers = new MailboxTimerService(host.clock, (timerId) => host.post({ type: 'processingTimer', timerId }));
  }

  private get checkpointing(): boolean {
    return this.descriptor.config.checkpointingMode !== undefined;
  }

  get executionState(): ExecutionState {
    return this.state;
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
    if (this.state !== 'CREATED') throw new Error(`task ${this.name} started twice`);
    this.state = 'DEPLOYING';
    try {
      this.wire(wiring);
      this.initializeState();
      this.chain.open();
      this.outputs.begin();
      this.transition('RUNNING');
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
    if (isTerminal(this.state)) return;
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
        case 'checkpointAcknowledged':
          this.faults?.onCheckpointAcknowledged(message.checkpointId);
          break;
        case 'asyncDone':
          this.pendingAsync--;
          if (this.finishing) this.tryFinish();
          break;
        case 'crash':
          throw message.error;
        case 'credit':
          this.outputs.addCredit(message.outputChannel, message.credits);
          this.afterOutputProgress();
          break;
        case 'poll':
          this.pollScheduled = false;
          this.pollSource();
          break;
        case 'processingTimer':
          if (this.state === 'RUNNING' && this.timers.fire(message.timerId)) this.chain.flush();
          break;
        case 'flushBuffers':
          this.outputs.onFlushTimer();
          break;
        case 'readerFailed':
          throw message.error;
        case 'asyncFailed':
          this.pendingAsync--;
          throw message.error;
      }
      this.outputs?.afterMailboxAction();
    } catch (e) {
      // An injected actor crash leaves the task: nact's supervision reports it, as for a dying actor.
      if (e instanceof InjectedActorCrash) throw e;
      this.fail(e);
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
    if (isTerminal(this.state)) return;
    this.state = 'CANCELING';
    this.release();
    this.transition('CANCELED');
  }

  metrics(): TaskMetricsSnapshot {
    return {
      ...(this.outputs?.snapshot() ?? NOT_STARTED),
      numRecordsIn: this.inputProcessor?.numRecordsIn ?? 0,
      numBatchesIn: this.inputProcessor?.numBatchesIn ?? 0,
      currentInputWatermark: this.currentInputWatermark,
      inputChannelWatermarks: this.input ? this.input.channelWatermarks() : [],
      queuedInputMessages: this.early.length + (this.inputProcessor?.queuedMessages ?? 0),
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
      this.checkpointer = new SubtaskCheckpointCoordinator(
        `${vertex.id}-${subtaskIndex}.state`,
        this.host.clock,
        responder,
        this.log,
        (id) => this.host.post({ type: 'checkpointAcknowledged', checkpointId: id }),
        (work) => this.remember(work),
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
      this.inputProcessor = new StreamInputProcessor(this.name, this.input, wiring.inputs, this.headMetrics, this.barrierHandler, this.faults, () =>
        this.endOfInput(),
      );
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
      faultInjector: this.faults,
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

  private drainInput(): void {
    if (this.state !== 'RUNNING' || !this.inputProcessor) return;
    this.inputProcessor.process(() => !this.outputs.isBlocked && this.state === 'RUNNING');
    this.chain.flush();
  }

  private pollSource(): void {
    const source = this.chain.sourceOperator;
    if (!source || this.sourceEnded || this.state !== 'RUNNING') return;
    if (this.outputs.isBlocked) return; // resumed by afterOutputProgress when credit returns
    if (this.suspendedAt !== undefined) return; // stop-with-savepoint: nothing after the barrier
    const before = this.headMetrics.numRecordsOut;
    const status = source.emitNext(this.descriptor.config.sourceBatchSize);
    this.chain.flush();
    this.faults?.onRecords(this.headMetrics.numRecordsOut - before);
    if (status === 'MORE_AVAILABLE') this.schedulePoll();
    else if (status === 'END_OF_INPUT') {
      this.sourceEnded = true;
      this.log('source reached the end of its input');
      this.endOfInput();
    }
  }

  private schedulePoll(): void {
    if (this.pollScheduled || this.sourceEnded) return;
    this.pollScheduled = true;
    this.host.post({ type: 'poll' });
  }

  private afterOutputProgress(): void {
    if (this.outputs.isBlocked) return;
    if (this.finishing) {
      this.tryFinish();
      return;
    }
    if (this.chain.sourceOperator) this.schedulePoll();
    else this.drainInput();
  }

  /** All input has ended: let the chain flush, pass end-of-input on, and finish when sent. */
  private endOfInput(): void {
    this.chain.endInput();
    this.chain.flush();
    this.outputs.endOfInput();
    this.endOfInputReached = true;
    this.finishing = true;
    this.tryFinish();
  }

  /**
   * Finishes once output is sent and async work is done; with checkpointing, only after a
   * checkpoint taken after the end of input completed (Flink's final checkpoint, FLIP-147), so
   * that two-phase-commit sinks commit their last transaction. Consumers then learn that no
   * barrier follows (endOfPartition).
   */
  private tryFinish(): void {
    if (!this.finishing || this.outputs.isBlocked || this.state !== 'RUNNING' || this.pendingAsync > 0) return;
    if (this.checkpointing && !this.finalCheckpointCompleted) return;
    if (this.checkpointing) this.outputs.endOfPartition();
    const errors = this.release();
    if (errors.length > 0) throw errors[0];
    this.transition('FINISHED');
  }

  // ---- checkpoints

  /** A source subtask injects a barrier: its snapshot holds exactly what it emitted before. */
  private triggerSourceCheckpoint(barrier: CheckpointBarrier): void {
    if (!this.checkpointer || this.state !== 'RUNNING' || this.suspendedAt !== undefined) {
      this.host.checkpointResponder?.declineCheckpoint(barrier.checkpointId, `task '${this.name}' is ${this.state}`, false);
      return;
    }
    this.performCheckpoint(barrier, 0);
    if (barrier.kind === 'SAVEPOINT_SUSPEND') this.suspendedAt = barrier.checkpointId;
  }

  triggerCheckpointOnBarrier(barrier: CheckpointBarrier, alignmentDurationMs: number): void {
    this.performCheckpoint(barrier, alignmentDurationMs);
    if (barrier.kind === 'SAVEPOINT_SUSPEND') this.suspendedAt = barrier.checkpointId;
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
    if (this.endOfInputReached && this.finalCheckpointId === undefined) this.finalCheckpointId = barrier.checkpointId;
  }

  private notifyCheckpointComplete(checkpointId: number): void {
    if (this.state !== 'RUNNING') return;
    for (const op of this.chain.operators) op.operator.notifyCheckpointComplete?.(checkpointId);
    this.chain.flush();
    if (this.finalCheckpointId !== undefined && checkpointId >= this.finalCheckpointId) {
      this.finalCheckpointCompleted = true;
      this.tryFinish();
    }
    if (this.suspendedAt !== undefined && checkpointId >= this.suspendedAt) {
      // Stop-with-savepoint completed: end without end-of-input (no final watermark, windows stay in the savepoint).
      this.finishing = true;
      this.finalCheckpointCompleted = true;
      this.tryFinish();
    }
  }

  private notifyCheckpointAborted(checkpointId: number): void {
    if (this.state !== 'RUNNING') return;
    this.barrierHandler?.processCancellation(checkpointId);
    for (const op of this.chain.operators) op.operator.notifyCheckpointAborted?.(checkpointId);
    if (this.suspendedAt === checkpointId) {
      // The stop-with-savepoint failed: the job goes on.
      this.suspendedAt = undefined;
      if (this.chain.sourceOperator) this.schedulePoll();
    }
    if (this.finalCheckpointId === checkpointId) this.finalCheckpointId = undefined;
    this.drainInput();
  }

  private fail(error: unknown): void {
    if (isTerminal(this.state)) return;
    const failure = new TaskFailure(this.name, this.descriptor.subtaskIndex, this.descriptor.vertex.parallelism, error);
    this.log('failed: %s', failure.message);
    this.state = 'FAILED';
    this.release();
    this.host.onStateChange('FAILED', failure);
  }

  /** Cancels timers and closes operators (sources close their sockets and files). */
  private release(): unknown[] {
    this.timers.cancelAll();
    this.outputs?.release();
    return this.chain ? this.chain.close() : [];
  }

  private transition(state: ExecutionState): void {
    this.state = state;
    this.log('%s', state);
    this.host.onStateChange(state);
  }
}
