import { ChannelMessage } from './ChannelMessage';
import { CheckpointBarrier } from './checkpoint/CheckpointBarrier';

export interface OutputChannelListener {
  /** The channel now holds a batch it may not send for lack of credit. */
  onBlocked(): void;
  onUnblocked(): void;
  /** The first record went into an empty buffer: time to arm the buffer timeout. */
  onBufferStarted(): void;
}

/**
 * One producer → consumer channel. Records collect in a buffer that is sent as one message when
 * it is full, when an event must follow it, or on the buffer timeout. A record batch needs a
 * credit (one per batch the consumer has room for, returned when it has processed one);
 * without credit, batches and the events behind them wait here in order and the producing task
 * counts as backpressured. Events never overtake records.
 */
export class OutputChannel {
  private values: unknown[] = [];
  private timestamps: number[] = [];
  private readonly queue: ChannelMessage[] = [];
  private credits: number;
  numRecordsOut = 0;
  numBatchesOut = 0;

  constructor(
    readonly index: number,
    private readonly consumerChannel: number,
    private readonly deliver: (message: ChannelMessage) => void,
    initialCredits: number,
    private readonly batchSize: number,
    private readonly listener: OutputChannelListener,
  ) {
    this.credits = initialCredits;
  }

  get isBlocked(): boolean {
    return this.queue.length > 0;
  }

  get queuedMessages(): number {
    return this.queue.length;
  }

  get availableCredits(): number {
    return this.credits;
  }

  add(value: unknown, timestamp: number): void {
    const n = this.values.push(value);
    this.timestamps.push(timestamp);
    if (n === 1) this.listener.onBufferStarted();
    if (n >= this.batchSize) this.flush();
  }

  /** Sends (or queues) the buffered records as one batch. */
  flush(): void {
    if (this.values.length === 0) return;
    const message: ChannelMessage = {
      type: 'records',
      channel: this.consumerChannel,
      values: this.values,
      timestamps: this.timestamps,
    };
    this.numRecordsOut += this.values.length;
    this.values = [];
    this.timestamps = [];
    this.enqueue(message);
  }

  sendWatermark(watermark: number): void {
    this.flush();
    this.enqueue({ type: 'watermark', channel: this.consumerChannel, watermark });
  }

  sendWatermarkStatus(status: 'ACTIVE' | 'IDLE'): void {
    this.flush();
    this.enqueue({ type: 'watermarkStatus', channel: this.consumerChannel, status });
  }

  sendEndOfInput(): void {
    this.flush();
    this.enqueue({ type: 'endOfInput', channel: this.consumerChannel });
  }

  /** A barrier needs no credit but, like every event, waits behind the batches before it. */
  sendBarrier(barrier: CheckpointBarrier): void {
    this.flush();
    this.enqueue({ type: 'barrier', channel: this.consumerChannel, barrier });
  }

  sendEndOfPartition(): void {
    this.flush();
    this.enqueue({ type: 'endOfPartition', channel: this.consumerChannel });
  }

  addCredit(credits: number): void {
    this.credits += credits;
    if (this.queue.length === 0) return;
    while (this.queue.length > 0) {
      const head = this.queue[0];
      if (head.type === 'records' && this.credits === 0) return;
      this.queue.shift();
      this.send(head);
    }
    this.listener.onUnblocked();
  }

  private enqueue(message: ChannelMessage): void {
    if (this.queue.length === 0 && (message.type !== 'records' || this.credits > 0)) {
      this.send(message);
      return;
    }
    this.queue.push(message);
    if (this.queue.length === 1) this.listener.onBlocked();
  }

  private send(message: ChannelMessage): void {
    if (message.type === 'records') {
      this.credits--;
      this.numBatchesOut++;
    }
    this.deliver(message);
  }
}
