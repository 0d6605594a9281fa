import { ForwardPartitioner } from '../../lib/partitioners/ForwardPartitioner';
import { RebalancePartitioner } from '../../lib/partitioners/RebalancePartitioner';
import { StreamPartitioner } from '../../lib/partitioners/StreamPartitioner';
import { ChannelMessage } from '../../lib/runtime/ChannelMessage';
import { DEFAULT_TASK_CONFIG, TaskConfig } from '../../lib/runtime/TaskConfig';
import { TaskOutputs } from '../../lib/runtime/TaskOutputs';
import { ManualClock } from '../../lib/time/ManualClock';
import { SeededRandom } from '../../lib/util/SeededRandom';

function marble(m: ChannelMessage): string {
  switch (m.type) {
    case 'records':
      return m.values.join(' ');
    case 'watermark':
      return `wm:${m.watermark}`;
    case 'watermarkStatus':
      return m.status.toLowerCase();
    case 'barrier':
      return `|${m.barrier.checkpointId}`;
    case 'endOfInput':
      return 'end';
    case 'endOfPartition':
      return 'eop';
  }
}

/**
 * TaskOutputs with one edge per partitioner given, `channels` consumers each; output channel
 * indexes run over all edges. `received[i]` is what output channel i delivered, as marbles.
 */
function setUp(config: Partial<TaskConfig>, edges: Array<{ id: string; partitioner: StreamPartitioner<unknown>; channels: number }>) {
  const clock = new ManualClock(0);
  const received: string[][] = [];
  let flushRequests = 0;
  let next = 0;
  const outputs = new TaskOutputs(
    edges.map((e) => ({
      streamEdgeId: e.id,
      partitioner: e.partitioner,
      channels: Array.from({ length: e.channels }, () => {
        const index = next++;
        received[index] = [];
        return { index, consumerChannel: 0, deliver: (m: ChannelMessage) => void received[index].push(marble(m)) };
      }),
    })),
    { ...DEFAULT_TASK_CONFIG, ...config },
    clock,
    new SeededRandom(1),
    () => void flushRequests++,
  );
  outputs.begin();
  return { clock, outputs, received, flushRequests: () => flushRequests };
}

describe('TaskOutputs', () => {
  it('one record writer per edge, found by its edge id; each edge partitions over its own channels', () => {
    const { outputs, received } = setUp({ batchSize: 1, bufferTimeoutMs: 0 }, [
      { id: 'to-a', partitioner: new ForwardPartitioner(), channels: 1 },
      { id: 'to-b', partitioner: new RebalancePartitioner(), channels: 2 },
    ]);
    expect(outputs.writers).toHaveLength(2);
    outputs.writersByEdge.get('to-a')!.collect('x', 0);
    for (const v of ['y1', 'y2', 'y3', 'y4']) outputs.writersByEdge.get('to-b')!.collect(v, 0);
    expect(received[0]).toEqual(['x']);
    expect([...received[1], ...received[2]].sort()).toEqual(['y1', 'y2', 'y3', 'y4']);
    expect(received[1]).toHaveLength(2); // round robin
  });

  it('is blocked while a channel holds a batch it has no credit for, and measures that time on its clock', () => {
    const { clock, outputs, received } = setUp({ batchSize: 1, creditsPerChannel: 1, bufferTimeoutMs: 0 }, [
      { id: 'e', partitioner: new ForwardPartitioner(), channels: 1 },
    ]);
    const writer = outputs.writers[0];
    writer.collect('a', 0);
    expect(outputs.isBlocked).toBe(false);
    writer.collect('b', 0); // no credit left: b waits
    expect(outputs.isBlocked).toBe(true);
    expect(received[0]).toEqual(['a']);
    clock.advance(250);
    outputs.addCredit(0, 1);
    expect(received[0]).toEqual(['a', 'b']);
    expect(outputs.isBlocked).toBe(false);
    clock.advance(750);
    const s = outputs.snapshot();
    expect(s.backPressuredTimeMs).toBe(250);
    expect([s.numRecordsOut, s.numBatchesOut, s.queuedOutputBatches]).toEqual([2, 2, 0]);
  });

  it('a partly filled batch starts the buffer timeout once; the task is asked to flush when it fires', () => {
    const { clock, outputs, received, flushRequests } = setUp({ batchSize: 10, bufferTimeoutMs: 100 }, [
      { id: 'e', partitioner: new ForwardPartitioner(), channels: 1 },
    ]);
    outputs.writers[0].collect('a', 0);
    clock.advance(50);
    outputs.writers[0].collect('b', 0); // the same batch: no second timer
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(49);
    expect(flushRequests()).toBe(0);
    clock.advance(1);
    expect(flushRequests()).toBe(1);
    expect(received[0]).toEqual([]); // sent in the task's own turn, not from the timer
    outputs.onFlushTimer();
    expect(received[0]).toEqual(['a b']);
    outputs.writers[0].collect('c', 0);
    expect(clock.pendingTimers()).toBe(1);
    outputs.release();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('with buffer timeout 0, every mailbox action ends with a flush; otherwise it does not', () => {
    const zero = setUp({ batchSize: 10, bufferTimeoutMs: 0 }, [{ id: 'e', partitioner: new ForwardPartitioner(), channels: 1 }]);
    zero.outputs.writers[0].collect('a', 0);
    zero.outputs.afterMailboxAction();
    expect(zero.received[0]).toEqual(['a']);
    const timed = setUp({ batchSize: 10, bufferTimeoutMs: 100 }, [{ id: 'e', partitioner: new ForwardPartitioner(), channels: 1 }]);
    timed.outputs.writers[0].collect('a', 0);
    timed.outputs.afterMailboxAction();
    expect(timed.received[0]).toEqual([]);
    expect(timed.outputs.snapshot().queuedOutputBatches).toBe(0);
  });

  it('end of input and end of partition go to every channel of every edge, behind the records', () => {
    const { outputs, received } = setUp({ batchSize: 10, bufferTimeoutMs: 100 }, [
      { id: 'a', partitioner: new ForwardPartitioner(), channels: 1 },
      { id: 'b', partitioner: new RebalancePartitioner(), channels: 2 },
    ]);
    outputs.writers[0].collect('x', 0);
    outputs.endOfInput();
    outputs.endOfPartition();
    expect(received).toEqual([
      ['x', 'end', 'eop'],
      ['end', 'eop'],
      ['end', 'eop'],
    ]);
  });
});
