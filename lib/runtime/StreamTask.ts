import createDebug, { Debugger } from 'debug';
import { JobVertex } from '../graph/JobGraph';
import { StreamNode } from '../graph/StreamGraph';
import { StreamPartitioner } from '../partitioners/StreamPartitioner';
import { Clock, TimerHandle } from '../time/Clock';
import { inputChannelTypeNumbers } from '../graph/ExecutionGraph';
import { SeededRandom } from '../util/SeededRandom';
import { BackPressureGauge } from './BackPressureGauge';
import { ChannelMessage } from './ChannelMessage';
import { CheckpointBarrier } from './checkpoint/CheckpointBarrier';
import { BarrierHandlerTarget, CheckpointBarrierHandler, createBarrierHandler } from './checkpoint/CheckpointBarrierHandler';
import { operatorIdOf } from './checkpoint/OperatorId';
import { TaskRestore } from './checkpoint/StateAssignment';
import { CheckpointResponder, SubtaskCheckpointCoordinator } from './checkpoint/SubtaskCheckpointCoordinator';
import { TaskFailure } from './errors';
import { ExecutionState, isTerminal } from './ExecutionState';
import { FaultInjector, InjectedActorCrash } from './FaultInjector';
import { OperatorChain } from './OperatorChain';
import { OutputChannel, OutputChannelListener } from './OutputChannel';
import { Cancellable, ProcessingTimeService } from './ProcessingTimeService';
import { RecordWriterOutput } from './RecordWriterOutput';
import { createStreamTaskInput, StreamTaskInput } from './StreamTaskInput';
import { OperatorContext, StreamOperator, TextWriter } from './StreamOperator';
import { computeKeyGroupRangeForOperatorIndex } from '../partitioners/keyGroups';
import { TaskConfig } from './TaskConfig';
import { TaskMessage } from './TaskMessage';
import { OperatorMetrics, TaskMetricsSnapshot } from './TaskMetrics';

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

export interface InputChannelEndpoint {
  readonly index: number;
  /** Gives the producer back credit for batches this task has processed. */
  returnCredit(credits: number): void;
}

export interface OutputChannelEndpoint {
  readonly index: number;
  readonly consumerChannel: number;
  deliver(message: ChannelMessage): void;
}

export interface OutputEdgeEndpoint {
  /** The StreamEdge this network edge carries. */
  readonly streamEdgeId: string;
  readonly partitioner: StreamPartitioner<unknown>;
  readonly channels: readonly OutputChannelEndpoint[];
}

export interface TaskWiring {
  readonly inputs: readonly InputChannelEndpoint[];
  readonly outputs: readonly OutputEdgeEndpoint[];
}

interface ScheduledTimer {
  readonly timestamp: number;
  readonly callback: (timestamp: number) => void;
  readonly handle: TimerHandle;
}

/**
 * One subtask: runs its operator chain on what arrives in its mailbox. Input batches are
 * processed only while every output channel can take more (credit-based flow control);
 * otherwise they wait in the input queue, un-credited, so the producers upstream stop too.
 * A source task polls its reader in slices of `sourceBatchSize` records, yielding between
 * slices so other subtasks run. The task finishes once all input ended and all output left.
 */
export class StreamTask implements OutputChannelListener, ProcessingTimeService, BarrierHandlerTarget {
  readonly name: string;
  readonly log: Debugger;
  private state: ExecutionState = 'CREATED';
  private chain!: OperatorChain;
  private head!: StreamOperator<unknown, unknown>;
  private headMetrics!: OperatorMetrics;
  /** Routes input channels to the head operator (one or two logical inputs, a watermark valve each). */
  private input: StreamTaskInput | undefined;
  private inputs: readonly InputChannelEndpoint[] = [];
  private writers: RecordWriterOutput[] = [];
  private channels: OutputChannel[] = [];
  private readonly inputQueue: TaskMessage[] = [];
  private inputHead = 0;
  private endedInputs = 0;
  private blockedChannels = 0;
  private readonly backPressure = new BackPressureGauge();
  private pollScheduled = false;
  private sourceEnded = false;
  private draining = false;
  private finishing = false;
  private flushTimer: TimerHandle | undefined;
  private readonly timers = new Map<number, ScheduledTimer>();
  private nextTimerId = 1;
  private numRecordsIn = 0;
  private numBatchesIn = 0;
  private barrierHandler: CheckpointBarrierHandler | undefined;
  private checkpointer: SubtaskCheckpointCoordinator | undefined;
  private readonly faults: FaultInjector | undefined;
  /** Async work of operators and of checkpoints (commits, state writes) not yet done. */
  private pendingAsync = 0;
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
  }

  private get checkpointing(): boolean {
    return this.descriptor.config.checkpointingMode !== undefined;
  }

  get executionState(): ExecutionState {
    return this.state;
  }

  get isBackPressured(): boolean {
    return this.blockedChannels > 0;
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
      this.backPressure.begin(this.host.clock.now());
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
          this.inputQueue.push(message);
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
          this.channels[message.outputChannel].addCredit(message.credits);
          this.afterOutputProgress();
          break;
        case 'poll':
          this.pollScheduled = false;
          this.pollSource();
          break;
        case 'processingTimer':
          this.fireTimer(message.timerId);
          break;
        case 'flushBuffers':
          this.flushTimer = undefined;
          for (const w of this.writers) w.flush();
          break;
        case 'readerFailed':
          throw message.error;
        case 'asyncFailed':
          this.pendingAsync--;
          throw message.error;
      }
      if (this.descriptor.config.bufferTimeoutMs === 0) for (const w of this.writers) w.flush();
    } catch (e) {
      // An injected actor crash leaves the task: nact's supervision reports it, as for a dying actor.
      if (e instanceof InjectedActorCrash) throw e;
      this.fail(e);
    }
  }

  /** Stops the task where it stands (job cancelled or failed elsewhere). */
  cancel(): void {
    if (isTerminal(this.state)) return;
    this.state = 'CANCELING';
    this.release();
    this.transition('CANCELED');
  }

  metrics(): TaskMetricsSnapshot {
    let queuedOutputBatches = 0;
    for (const c of this.channels) queuedOutputBatches += c.queuedMessages;
    let numBatchesOut = 0;
    for (const c of this.channels) numBatchesOut += c.numBatchesOut;
    let numRecordsOut = 0;
    for (const c of this.channels) numRecordsOut += c.numRecordsOut;
    return {
      ...this.backPressure.snapshot(this.host.clock.now()),
      numRecordsIn: this.numRecordsIn,
      numRecordsOut,
      numBatchesIn: this.numBatchesIn,
      numBatchesOut,
      currentInputWatermark: this.currentInputWatermark,
      inputChannelWatermarks: this.input ? this.input.channelWatermarks() : [],
      queuedInputMessages: this.inputQueue.length - this.inputHead,
      queuedOutputBatches,
      operators: this.chain ? this.chain.operators.map((o) => o.metrics.snapshot()) : [],
    };
  }

  // ---- ProcessingTimeService: timers run from the mailbox, never in the middle of a batch.

  getCurrentProcessingTime(): number {
    return this.host.clock.now();
  }

  registerTimer(timestamp: number, callback: (timestamp: number) => void): Cancellable {
    const id = this.nextTimerId++;
    const delay = Math.max(0, timestamp - this.host.clock.now());
    const handle = this.host.clock.setTimeout(() => this.host.post({ type: 'processingTimer', timerId: id }), delay);
    this.timers.set(id, { timestamp, callback, handle });
    return {
      cancel: () => {
        const t = this.timers.get(id);
        if (!t) return;
        this.host.clock.clearTimeout(t.handle);
        this.timers.delete(id);
      },
    };
  }

  // ---- OutputChannelListener

  onBlocked(): void {
    if (this.blockedChannels++ === 0) this.backPressure.markBlocked(this.host.clock.now());
  }

  onUnblocked(): void {
    if (--this.blockedChannels === 0) this.backPressure.markUnblocked(this.host.clock.now());
  }

  onBufferStarted(): void {
    const timeout = this.descriptor.config.bufferTimeoutMs;
    if (timeout > 0 && this.flushTimer === undefined) {
      this.flushTimer = this.host.clock.setTimeout(() => this.host.post({ type: 'flushBuffers' }), timeout);
    }
  }

  // ---- internals

  private wire(wiring: TaskWiring): void {
    const { vertex, subtaskIndex, config } = this.descriptor;
    const random = new SeededRandom(config.seed).derive(vertex.id * 65_537 + subtaskIndex);
    const writers = new Map<string, RecordWriterOutput>();
    for (const out of wiring.outputs) {
      const channels = out.channels.map(
        (c) => new OutputChannel(c.index, c.consumerChannel, c.deliver, config.creditsPerChannel, config.batchSize, this),
      );
      channels.forEach((c) => (this.channels[c.index] = c));
      const partitioner = out.partitioner.copy();
      partitioner.setup(channels.length, random);
      const writer = new RecordWriterOutput(partitioner, channels);
      writers.set(out.streamEdgeId, writer);
      this.writers.push(writer);
    }
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
        (work) => this.host.trackAsync?.(work),
      );
      if (wiring.inputs.length > 0) this.barrierHandler = createBarrierHandler(mode, wiring.inputs.length, this, () => this.host.clock.now());
    }
    this.chain = new OperatorChain(vertex, writers, (node, metrics) => this.operatorContext(node, metrics));
    this.head = this.chain.head.operator;
    this.headMetrics = this.chain.head.metrics;
    this.input = createStreamTaskInput(this.head, inputChannelTypeNumbers(vertex, subtaskIndex));
    if (this.input && wiring.inputs.length !== this.input.channelWatermarks().length) {
      throw new Error(`task '${this.name}' got ${wiring.inputs.length} input channels, its job vertex says ${this.input.channelWatermarks().length}`);
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
      processingTimeService: this,
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
      op.operator.initializeState(restored ?? { isRestored: restore !== undefined, keyGroupRange, keyed: new Map(), operator: [] });
    }
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
    this.host.trackAsync?.(done);
  }

  private drainInput(): void {
    // Batches can reach a subtask before its start (worker threads): they wait in the queue.
    if (this.draining || this.state !== 'RUNNING') return;
    this.draining = true;
    try {
      const input = this.input!;
      while (this.blockedChannels === 0 && this.inputHead < this.inputQueue.length && this.state === 'RUNNING') {
        const message = this.inputQueue[this.inputHead];
        this.inputQueue[this.inputHead++] = undefined as unknown as TaskMessage;
        if (this.barrierHandler && 'channel' in message && this.barrierHandler.isBlocked(message.channel)) {
          this.barrierHandler.hold(message as ChannelMessage);
          continue;
        }
        switch (message.type) {
          case 'records': {
            const { values, timestamps } = message;
            const n = values.length;
            this.headMetrics.numRecordsIn += n;
            this.numRecordsIn += n;
            this.numBatchesIn++;
            input.processRecords(message.channel, values, timestamps);
            this.inputs[message.channel].returnCredit(1);
            this.faults?.onRecords(n);
            break;
          }
          case 'barrier':
            if (!this.barrierHandler) throw new Error(`task '${this.name}' got a checkpoint barrier but the job does not checkpoint`);
            this.barrierHandler.processBarrier(message.barrier, message.channel);
            break;
          case 'endOfPartition':
            this.barrierHandler?.processEndOfPartition(message.channel);
            break;
          case 'watermark':
            input.processWatermark(message.channel, message.watermark);
            break;
          case 'watermarkStatus':
            input.processWatermarkStatus(message.channel, message.status);
            break;
          case 'endOfInput':
            if (++this.endedInputs === this.inputs.length) this.endOfInput();
            break;
          default:
            throw new Error(`unexpected message ${message.type} in the input queue`);
        }
      }
      if (this.inputHead === this.inputQueue.length) {
        this.inputQueue.length = 0;
        this.inputHead = 0;
      }
      this.chain.flush();
    } finally {
      this.draining = false;
    }
  }

  private pollSource(): void {
    const source = this.chain.sourceOperator;
    if (!source || this.sourceEnded || this.state !== 'RUNNING') return;
    if (this.blockedChannels > 0) return; // resumed by afterOutputProgress when credit returns
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
    if (this.blockedChannels > 0) return;
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
    for (const w of this.writers) w.endOfInput();
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
    if (!this.finishing || this.blockedChannels > 0 || this.state !== 'RUNNING' || this.pendingAsync > 0) return;
    if (this.checkpointing && !this.finalCheckpointCompleted) return;
    if (this.checkpointing) for (const w of this.writers) w.endOfPartition();
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
    this.inputQueue.splice(this.inputHead, 0, ...messages);
  }

  private performCheckpoint(barrier: CheckpointBarrier, alignmentDurationMs: number): void {
    this.chain.flush();
    this.checkpointer!.checkpointState(barrier, this.chain.operators, this.writers, alignmentDurationMs);
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

  private fireTimer(id: number): void {
    const timer = this.timers.get(id);
    if (!timer || this.state !== 'RUNNING') return;
    this.timers.delete(id);
    timer.callback(timer.timestamp);
    this.chain.flush();
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
    for (const t of this.timers.values()) this.host.clock.clearTimeout(t.handle);
    this.timers.clear();
    if (this.flushTimer !== undefined) this.host.clock.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    return this.chain ? this.chain.close() : [];
  }

  private transition(state: ExecutionState): void {
    this.state = state;
    this.log('%s', state);
    this.host.onStateChange(state);
  }
}
