import { Clock, TimerHandle } from '../time/Clock';
import { SeededRandom } from '../util/SeededRandom';
import { BackPressureGauge, BackPressureSnapshot } from './BackPressureGauge';
import { OutputChannel, OutputChannelListener } from './OutputChannel';
import { RecordWriterOutput } from './RecordWriterOutput';
import { TaskConfig } from './TaskConfig';
import { OutputEdgeEndpoint } from './TaskWiring';

export interface TaskOutputsSnapshot extends BackPressureSnapshot {
  readonly numRecordsOut: number;
  readonly numBatchesOut: number;
  readonly queuedOutputBatches: number;
}

/** What a subtask that has not started reports. */
export const NOT_STARTED: TaskOutputsSnapshot = {
  backPressuredTimeMs: 0,
  backPressuredTimeMsPerSecond: 0,
  backPressureRatio: 0,
  backPressureLevel: 'OK',
  numRecordsOut: 0,
  numBatchesOut: 0,
  queuedOutputBatches: 0,
};

/**
 * The network side of a subtask (Flink's result partitions): one record writer per outgoing
 * edge, one output channel per consumer. It knows when the task is backpressured (some
 * channel holds a batch it has no credit for) and measures for how long, and it sends
 * partly filled batches on the buffer timeout.
 */
export class TaskOutputs implements OutputChannelListener {
  readonly writers: readonly RecordWriterOutput[];
  /** Records writers by the StreamEdge they carry, for the operator chain's exits. */
  readonly writersByEdge: ReadonlyMap<string, RecordWriterOutput>;
  private readonly channels: OutputChannel[] = [];
  private readonly backPressure = new BackPressureGauge();
  private blockedChannels = 0;
  private flushTimer: TimerHandle | undefined;

  constructor(
    edges: readonly OutputEdgeEndpoint[],
    private readonly config: TaskConfig,
    private readonly clock: Clock,
    random: SeededRandom,
    /** Asks the task's mailbox for a `flushBuffers` turn. */
    private readonly requestFlush: () => void,
  ) {
    const byEdge = new Map<string, RecordWriterOutput>();
    const writers: RecordWriterOutput[] = [];
    for (const out of edges) {
      const channels = out.channels.map((c) => new OutputChannel(c.index, c.consumerChannel, c.deliver, config.creditsPerChannel, config.batchSize, this));
      for (const c of channels) this.channels[c.index] = c;
      const partitioner = out.partitioner.copy();
      partitioner.setup(channels.length, random);
      const writer = new RecordWriterOutput(partitioner, channels);
      byEdge.set(out.streamEdgeId, writer);
      writers.push(writer);
    }
    this.writers = writers;
    this.writersByEdge = byEdge;
  }

  /** True while some channel holds a batch it may not send: the task must not take input. */
  get isBlocked(): boolean {
    return this.blockedChannels > 0;
  }

  /** Starts the backpressure clock (when the task starts running). */
  begin(): void {
    this.backPressure.begin(this.clock.now());
  }

  addCredit(outputChannel: number, credits: number): void {
    this.channels[outputChannel].addCredit(credits);
  }

  /** Sends every partly filled batch. */
  flush(): void {
    for (const w of this.writers) w.flush();
  }

  /** The buffer timeout fired. */
  onFlushTimer(): void {
    this.flushTimer = undefined;
    this.flush();
  }

  /** Flink's buffer timeout 0: every mailbox action ends with a flush. */
  afterMailboxAction(): void {
    if (this.config.bufferTimeoutMs === 0) this.flush();
  }

  endOfInput(): void {
    for (const w of this.writers) w.endOfInput();
  }

  /** No checkpoint barrier follows on any channel. */
  endOfPartition(): void {
    for (const w of this.writers) w.endOfPartition();
  }

  /** Stops the buffer timeout (the task is ending). */
  release(): void {
    if (this.flushTimer !== undefined) this.clock.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  snapshot(): TaskOutputsSnapshot {
    let queuedOutputBatches = 0;
    let numBatchesOut = 0;
    let numRecordsOut = 0;
    for (const c of this.channels) {
      queuedOutputBatches += c.queuedMessages;
      numBatchesOut += c.numBatchesOut;
      numRecordsOut += c.numRecordsOut;
    }
    return { ...this.backPressure.snapshot(this.clock.now()), numRecordsOut, numBatchesOut, queuedOutputBatches };
  }

  // ---- OutputChannelListener

  onBlocked(): void {
    if (this.blockedChannels++ === 0) this.backPressure.markBlocked(this.clock.now());
  }

  onUnblocked(): void {
    if (--this.blockedChannels === 0) this.backPressure.markUnblocked(this.clock.now());
  }

  onBufferStarted(): void {
    const timeout = this.config.bufferTimeoutMs;
    if (timeout > 0 && this.flushTimer === undefined) this.flushTimer = this.clock.setTimeout(this.requestFlush, timeout);
  }
}
