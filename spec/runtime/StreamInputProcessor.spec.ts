import { ChannelMessage } from '../../lib/runtime/ChannelMessage';
import { CheckpointBarrier } from '../../lib/runtime/checkpoint/CheckpointBarrier';
import { CheckpointBarrierHandler } from '../../lib/runtime/checkpoint/CheckpointBarrierHandler';
import { StreamInputProcessor } from '../../lib/runtime/StreamInputProcessor';
import { StreamTaskInput } from '../../lib/runtime/StreamTaskInput';
import { OperatorMetrics } from '../../lib/runtime/TaskMetrics';
import { WatermarkStatus } from '../../lib/runtime/WatermarkStatus';

/** A StreamTaskInput that writes down what reaches the head operator, as `channel:event`. */
class RecordingInput implements StreamTaskInput {
  readonly events: string[] = [];
  readonly currentWatermark = Number.MIN_SAFE_INTEGER;
  onRecords: () => void = () => undefined;

  processRecords(channel: number, values: ArrayLike<unknown>): void {
    for (let i = 0; i < values.length; i++) this.events.push(`${channel}:${String(values[i])}`);
    this.onRecords();
  }

  processWatermark(channel: number, watermark: number): void {
    this.events.push(`${channel}:wm${watermark}`);
  }

  processWatermarkStatus(channel: number, status: WatermarkStatus): void {
    this.events.push(`${channel}:${status}`);
  }

  channelWatermarks(): ReadonlyArray<{ watermark: number; status: WatermarkStatus }> {
    return [];
  }
}

/** A barrier handler scripted by the test: it blocks the channels it is told to, and writes down what it got. */
class ScriptedBarrierHandler implements CheckpointBarrierHandler {
  readonly blocked = new Set<number>();
  readonly held: ChannelMessage[] = [];
  readonly calls: string[] = [];

  isBlocked(channel: number): boolean {
    return this.blocked.has(channel);
  }

  hold(message: ChannelMessage): void {
    this.held.push(message);
  }

  processBarrier(barrier: CheckpointBarrier, channel: number): void {
    this.calls.push(`barrier ${barrier.checkpointId} on ${channel}`);
  }

  processEndOfPartition(channel: number): void {
    this.calls.push(`end of partition on ${channel}`);
  }

  processCancellation(checkpointId: number): void {
    this.calls.push(`cancel ${checkpointId}`);
  }
}

const records = (channel: number, ...values: string[]): ChannelMessage => ({ type: 'records', channel, values, timestamps: values.map(() => 0) });
const barrier = (channel: number, checkpointId: number): ChannelMessage => ({
  type: 'barrier',
  channel,
  barrier: { checkpointId, timestamp: 0, kind: 'CHECKPOINT', location: undefined },
});

function setUp(channels: number, handler?: CheckpointBarrierHandler) {
  const input = new RecordingInput();
  const credits = new Array<number>(channels).fill(0);
  const metrics = new OperatorMetrics('head');
  let ended = 0;
  const processor = new StreamInputProcessor(
    'Task',
    input,
    credits.map((_, index) => ({ index, returnCredit: (n: number) => void (credits[index] += n) })),
    metrics,
    handler,
    () => void ended++,
  );
  return { input, credits, metrics, processor, ended: () => ended };
}

describe('StreamInputProcessor', () => {
  it('processes what was queued in arrival order, hands one credit back per batch, and counts records and batches', () => {
    const { input, credits, metrics, processor } = setUp(2);
    processor.enqueue(records(1, 'b1', 'b2'));
    processor.enqueue({ type: 'watermark', channel: 0, watermark: 5 });
    processor.enqueue(records(0, 'a1'));
    processor.enqueue({ type: 'watermarkStatus', channel: 1, status: 'IDLE' });
    expect(processor.queuedMessages).toBe(4);
    processor.process(() => true);
    expect(input.events).toEqual(['1:b1', '1:b2', '0:wm5', '0:a1', '1:IDLE']);
    expect(credits).toEqual([1, 1]);
    expect([processor.numRecordsIn, processor.numBatchesIn, metrics.numRecordsIn]).toEqual([3, 2, 3]);
    expect(processor.queuedMessages).toBe(0);
  });

  it('stops when the task says so; what is left keeps its credit until it is processed', () => {
    const { input, credits, processor } = setUp(1);
    for (const v of ['a1', 'a2', 'a3']) processor.enqueue(records(0, v));
    let budget = 1;
    processor.process(() => budget-- > 0);
    expect(input.events).toEqual(['0:a1']);
    expect(credits).toEqual([1]);
    expect(processor.queuedMessages).toBe(2);
    processor.process(() => true);
    expect(input.events).toEqual(['0:a1', '0:a2', '0:a3']);
    expect(credits).toEqual([3]);
  });

  it('reports the end of input once every channel ended, not before', () => {
    const { processor, ended } = setUp(3);
    processor.enqueue({ type: 'endOfInput', channel: 0 });
    processor.enqueue({ type: 'endOfInput', channel: 2 });
    processor.process(() => true);
    expect(ended()).toBe(0);
    processor.enqueue({ type: 'endOfInput', channel: 1 });
    processor.process(() => true);
    expect(ended()).toBe(1);
  });

  it('holds the messages of a blocked channel; released, they go first, in their order', () => {
    const handler = new ScriptedBarrierHandler();
    const { input, credits, processor } = setUp(2, handler);
    processor.enqueue(barrier(0, 1));
    processor.process(() => true);
    expect(handler.calls).toEqual(['barrier 1 on 0']);
    handler.blocked.add(0);
    processor.enqueue(records(0, 'a1'));
    processor.enqueue(records(1, 'b1'));
    processor.enqueue(records(0, 'a2'));
    processor.process(() => true);
    expect(input.events).toEqual(['1:b1']);
    expect(handler.held.map((m) => (m.type === 'records' ? m.values[0] : m.type))).toEqual(['a1', 'a2']);
    expect(credits).toEqual([0, 1]); // held batches keep their credit
    handler.blocked.clear();
    processor.enqueue(records(1, 'b2'));
    processor.releaseHeld(handler.held.splice(0));
    processor.process(() => true);
    expect(input.events).toEqual(['1:b1', '0:a1', '0:a2', '1:b2']);
    expect(credits).toEqual([2, 2]);
  });

  it('passes end of partition to the barrier handler', () => {
    const handler = new ScriptedBarrierHandler();
    const { processor } = setUp(1, handler);
    processor.enqueue({ type: 'endOfPartition', channel: 0 });
    processor.process(() => true);
    expect(handler.calls).toEqual(['end of partition on 0']);
  });

  it('a barrier in a job without checkpoints fails with the task named', () => {
    const { processor } = setUp(1);
    processor.enqueue(barrier(0, 1));
    expect(() => processor.process(() => true)).toThrow("task 'Task' got a checkpoint barrier but the job does not checkpoint");
  });

  it('a call from inside processing returns at once: messages are processed once, in order', () => {
    const { input, processor } = setUp(1);
    input.onRecords = () => processor.process(() => true);
    processor.enqueue(records(0, 'a1'));
    processor.enqueue(records(0, 'a2'));
    processor.process(() => true);
    expect(input.events).toEqual(['0:a1', '0:a2']);
  });
});
