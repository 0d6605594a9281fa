import { ChannelMessage } from './ChannelMessage';
import { CheckpointBarrierHandler } from './checkpoint/CheckpointBarrierHandler';
import { StreamTaskInput } from './StreamTaskInput';
import { OperatorMetrics } from './TaskMetrics';
import { InputChannelEndpoint } from './TaskWiring';
import { assertNever } from '../util/assertNever';

/**
 * The input side of a subtask (Flink's StreamInputProcessor): channel messages wait in one
 * queue, in arrival order, and are processed while the task lets it (its outputs have credit).
 * A processed batch hands its credit back to the producer; a batch still queued keeps it, which
 * is what stops the producer when this task is slow. During checkpoint alignment the barrier
 * handler holds back the messages of channels whose barrier has already arrived.
 */
export class StreamInputProcessor {
  private readonly queue: ChannelMessage[] = [];
  private head = 0;
  private endedChannels = 0;
  private processing = false;
  numRecordsIn = 0;
  numBatchesIn = 0;

  constructor(
    private readonly taskName: string,
    private readonly input: StreamTaskInput,
    private readonly channels: readonly InputChannelEndpoint[],
    private readonly headMetrics: OperatorMetrics,
    private readonly barrierHandler: CheckpointBarrierHandler | undefined,
    /** Every input channel has ended. */
    private readonly onEndOfInput: () => void,
  ) {}

  get queuedMessages(): number {
    return this.queue.length - this.head;
  }

  enqueue(message: ChannelMessage): void {
    this.queue.push(message);
  }

  /** Messages held during an alignment go back to the front of the queue, in order. */
  releaseHeld(messages: ChannelMessage[]): void {
    this.queue.splice(this.head, 0, ...messages);
  }

  /** Processes queued messages while `mayContinue()`; re-entrant calls return at once. */
  process(mayContinue: () => boolean): void {
    if (this.processing) return;
    this.processing = true;
    try {
      const { input, barrierHandler } = this;
      while (this.head < this.queue.length && mayContinue()) {
        const message = this.queue[this.head];
        this.queue[this.head++] = undefined as unknown as ChannelMessage;
        if (barrierHandler && barrierHandler.isBlocked(message.channel)) {
          barrierHandler.hold(message);
          continue;
        }
        switch (message.type) {
          case 'records': {
            const n = message.values.length;
            this.headMetrics.numRecordsIn += n;
            this.numRecordsIn += n;
            this.numBatchesIn++;
            input.processRecords(message.channel, message.values, message.timestamps);
            this.channels[message.channel].returnCredit(1);
            break;
          }
          case 'barrier':
            if (!barrierHandler) throw new Error(`task '${this.taskName}' got a checkpoint barrier but the job does not checkpoint`);
            barrierHandler.processBarrier(message.barrier, message.channel);
            break;
          case 'endOfPartition':
            barrierHandler?.processEndOfPartition(message.channel);
            break;
          case 'watermark':
            input.processWatermark(message.channel, message.watermark);
            break;
          case 'watermarkStatus':
            input.processWatermarkStatus(message.channel, message.status);
            break;
          case 'endOfInput':
            if (++this.endedChannels === this.channels.length) this.onEndOfInput();
            break;
          default:
            assertNever(message, 'channel message');
        }
      }
      if (this.head === this.queue.length) {
        this.queue.length = 0;
        this.head = 0;
      }
    } finally {
      this.processing = false;
    }
  }
}
