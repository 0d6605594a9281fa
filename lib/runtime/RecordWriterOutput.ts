import { OutputTag } from '../core/OutputTag';
import { StreamPartitioner } from '../partitioners/StreamPartitioner';
import { CheckpointBarrier } from './checkpoint/CheckpointBarrier';
import { UserFunctionError } from './errors';
import { OutputChannel } from './OutputChannel';
import { Output } from './StreamOperator';
import { WatermarkStatus } from './WatermarkStatus';

/**
 * The end of a chain that leaves the task: picks a channel per record with the edge's
 * partitioner; watermarks and status go to every channel, whatever the partitioner.
 */
export class RecordWriterOutput implements Output<unknown> {
  constructor(
    private readonly partitioner: StreamPartitioner<unknown>,
    readonly channels: readonly OutputChannel[],
  ) {}

  collect(value: unknown, timestamp: number): void {
    if (this.partitioner.isBroadcast) {
      for (const c of this.channels) c.add(value, timestamp);
      return;
    }
    let channel: number;
    try {
      channel = this.partitioner.selectChannel(value);
    } catch (e) {
      throw new UserFunctionError(`${this.partitioner.shipStrategy} partitioner (key selector)`, value, e);
    }
    this.channels[channel].add(value, timestamp);
  }

  collectSide<S>(_tag: OutputTag<S>, _value: S, _timestamp: number): void {
    throw new Error('side outputs are routed before the record writer');
  }

  emitWatermark(watermark: number): void {
    for (const c of this.channels) c.sendWatermark(watermark);
  }

  emitWatermarkStatus(status: WatermarkStatus): void {
    for (const c of this.channels) c.sendWatermarkStatus(status);
  }

  endOfInput(): void {
    for (const c of this.channels) c.sendEndOfInput();
  }

  flush(): void {
    for (const c of this.channels) c.flush();
  }

  broadcastBarrier(barrier: CheckpointBarrier): void {
    for (const c of this.channels) c.sendBarrier(barrier);
  }

  endOfPartition(): void {
    for (const c of this.channels) c.sendEndOfPartition();
  }
}
