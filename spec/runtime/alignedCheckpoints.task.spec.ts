import { TaskHarness } from '../harness/TaskHarness';

/**
 * Flink's AlignedCheckpointsTest (and CheckpointBarrierTrackerTest for at least once), at the
 * level of a whole StreamTask: messages are fed per input channel in a chosen order, and after
 * every one the test checks what went downstream, in order, and which channels alignment holds.
 */

/** Feeds one message, lets the task handle its mailbox, and returns what changed. */
function after(h: TaskHarness, feed: (h: TaskHarness) => unknown): { out: string[]; blocked: number[] } {
  feed(h);
  h.run();
  return { out: h.takeOutput(), blocked: h.blockedChannels() };
}

describe('aligned checkpoints in a task (exactly once)', () => {
  it('without barriers, records of every channel go on in arrival order', () => {
    const h = new TaskHarness({ inputChannels: 3 });
    expect(after(h, (t) => t.records(0, 'a1'))).toEqual({ out: ['a1'], blocked: [] });
    expect(after(h, (t) => t.records(2, 'c1', 'c2'))).toEqual({ out: ['c1', 'c2'], blocked: [] });
    expect(after(h, (t) => t.records(1, 'b1'))).toEqual({ out: ['b1'], blocked: [] });
    expect(h.creditsReturned).toEqual([1, 1, 1]);
  });

  it('a single channel: the barrier snapshots at once and goes on behind the records before it', async () => {
    const h = new TaskHarness({ inputChannels: 1 });
    expect(after(h, (t) => t.records(0, 'a1', 'a2'))).toEqual({ out: ['a1', 'a2'], blocked: [] });
    expect(after(h, (t) => t.barrier(0, 1))).toEqual({ out: ['|1'], blocked: [] });
    expect(after(h, (t) => t.records(0, 'a3'))).toEqual({ out: ['a3'], blocked: [] });
    expect(h.operator.snapshots).toEqual([{ checkpointId: 1, seen: ['a1', 'a2'] }]);
    await h.settle();
    expect(h.acknowledged.map((a) => a.checkpointId)).toEqual([1]);
  });

  it('holds a channel after its barrier until every channel delivered it; the barrier goes on before the held records', async () => {
    const h = new TaskHarness({ inputChannels: 3 });
    expect(after(h, (t) => t.records(0, 'a1').records(1, 'b1').records(2, 'c1'))).toEqual({ out: ['a1', 'b1', 'c1'], blocked: [] });
    expect(after(h, (t) => t.barrier(0, 1))).toEqual({ out: [], blocked: [0] });
    // Channel 0 is held: its records wait, and their credit is not handed back yet.
    expect(after(h, (t) => t.records(0, 'a2'))).toEqual({ out: [], blocked: [0] });
    expect(after(h, (t) => t.records(1, 'b2'))).toEqual({ out: ['b2'], blocked: [0] });
    expect(h.creditsReturned).toEqual([1, 2, 1]);
    expect(after(h, (t) => t.barrier(1, 1))).toEqual({ out: [], blocked: [0, 1] });
    expect(after(h, (t) => t.records(1, 'b3'))).toEqual({ out: [], blocked: [0, 1] });
    expect(after(h, (t) => t.records(0, 'a3'))).toEqual({ out: [], blocked: [0, 1] });
    expect(after(h, (t) => t.records(2, 'c2'))).toEqual({ out: ['c2'], blocked: [0, 1] });
    expect(h.operator.snapshots).toEqual([]);
    // The last barrier: snapshot of exactly what came before the barriers, the barrier goes
    // downstream, then the held records in their channels' order.
    expect(after(h, (t) => t.barrier(2, 1))).toEqual({ out: ['|1', 'a2', 'a3', 'b3'], blocked: [] });
    expect(h.operator.snapshots).toEqual([{ checkpointId: 1, seen: ['a1', 'b1', 'c1', 'b2', 'c2'] }]);
    expect(h.creditsReturned).toEqual([3, 3, 2]);
    expect(after(h, (t) => t.records(0, 'a4'))).toEqual({ out: ['a4'], blocked: [] });

    await h.settle();
    expect(h.acknowledged.map((a) => a.checkpointId)).toEqual([1]);
    expect(Object.values(h.acknowledged[0].state!)).toEqual([{ operator: [['a1', 'b1', 'c1', 'b2', 'c2']] }]);
    expect(h.declined).toEqual([]);
  });

  it('a watermark behind a barrier is held with the records of its channel', () => {
    const h = new TaskHarness({ inputChannels: 2 });
    expect(after(h, (t) => t.watermark(1, 10))).toEqual({ out: [], blocked: [] }); // channel 0 has none yet
    expect(after(h, (t) => t.barrier(0, 1))).toEqual({ out: [], blocked: [0] });
    expect(after(h, (t) => t.watermark(0, 20))).toEqual({ out: [], blocked: [0] });
    expect(after(h, (t) => t.records(1, 'b1'))).toEqual({ out: ['b1'], blocked: [0] });
    expect(after(h, (t) => t.barrier(1, 1))).toEqual({ out: ['|1', 'wm:10'], blocked: [] });
  });

  it('two checkpoints one after the other each hold exactly the records before their barriers', () => {
    const h = new TaskHarness({ inputChannels: 2 });
    after(h, (t) => t.records(0, 'a1'));
    after(h, (t) => t.barrier(0, 1));
    after(h, (t) => t.records(0, 'a2'));
    expect(after(h, (t) => t.barrier(1, 1))).toEqual({ out: ['|1', 'a2'], blocked: [] });
    expect(after(h, (t) => t.barrier(1, 2))).toEqual({ out: [], blocked: [1] });
    expect(after(h, (t) => t.records(1, 'b1'))).toEqual({ out: [], blocked: [1] });
    expect(after(h, (t) => t.records(0, 'a3'))).toEqual({ out: ['a3'], blocked: [1] });
    expect(after(h, (t) => t.barrier(0, 2))).toEqual({ out: ['|2', 'b1'], blocked: [] });
    expect(h.operator.snapshots).toEqual([
      { checkpointId: 1, seen: ['a1'] },
      { checkpointId: 2, seen: ['a1', 'a2', 'a3'] },
    ]);
  });

  it('a newer barrier while aligning aborts the older checkpoint (declined), releases what it held and aligns the newer', () => {
    const h = new TaskHarness({ inputChannels: 3 });
    expect(after(h, (t) => t.barrier(0, 1))).toEqual({ out: [], blocked: [0] });
    expect(after(h, (t) => t.records(0, 'a1'))).toEqual({ out: [], blocked: [0] });
    expect(after(h, (t) => t.barrier(1, 1))).toEqual({ out: [], blocked: [0, 1] });
    expect(after(h, (t) => t.records(1, 'b1'))).toEqual({ out: [], blocked: [0, 1] });
    // Channel 2 never saw checkpoint 1 (its producer skipped it): barrier 2 overtakes it here.
    expect(after(h, (t) => t.barrier(2, 2))).toEqual({ out: ['a1', 'b1'], blocked: [2] });
    expect(h.declined.map((d) => d.checkpointId)).toEqual([1]);
    expect(h.declined[0].countsAsFailure).toBe(false);
    expect(after(h, (t) => t.records(2, 'c1'))).toEqual({ out: [], blocked: [2] });
    expect(after(h, (t) => t.barrier(0, 2))).toEqual({ out: [], blocked: [0, 2] });
    expect(after(h, (t) => t.barrier(1, 2))).toEqual({ out: ['|2', 'c1'], blocked: [] });
    expect(h.operator.snapshots).toEqual([{ checkpointId: 2, seen: ['a1', 'b1'] }]);
  });

  it('a checkpoint cancelled by the coordinator while aligning releases the held records; its late barriers are ignored', () => {
    const h = new TaskHarness({ inputChannels: 2 });
    expect(after(h, (t) => t.barrier(0, 1))).toEqual({ out: [], blocked: [0] });
    expect(after(h, (t) => t.records(0, 'a1', 'a2'))).toEqual({ out: [], blocked: [0] });
    expect(after(h, (t) => t.abortCheckpoint(1))).toEqual({ out: ['a1', 'a2'], blocked: [] });
    expect(h.declined.map((d) => d.checkpointId)).toEqual([1]);
    expect(after(h, (t) => t.records(0, 'a3'))).toEqual({ out: ['a3'], blocked: [] });
    // Channel 1's barrier of the cancelled checkpoint arrives late: nothing is held or snapshotted.
    expect(after(h, (t) => t.barrier(1, 1))).toEqual({ out: [], blocked: [] });
    expect(after(h, (t) => t.records(1, 'b1'))).toEqual({ out: ['b1'], blocked: [] });
    expect(h.operator.snapshots).toEqual([]);
  });

  it('a channel that ends (end of partition) during alignment completes it with the barriers of the others', () => {
    const h = new TaskHarness({ inputChannels: 3 });
    after(h, (t) => t.records(2, 'c1'));
    after(h, (t) => t.endOfInput(2));
    expect(after(h, (t) => t.barrier(0, 1))).toEqual({ out: [], blocked: [0] });
    expect(after(h, (t) => t.records(0, 'a1'))).toEqual({ out: [], blocked: [0] });
    expect(after(h, (t) => t.barrier(1, 1))).toEqual({ out: [], blocked: [0, 1] });
    expect(h.operator.snapshots).toEqual([]);
    // Channel 2's producer finished: no barrier comes from it any more.
    expect(after(h, (t) => t.endOfPartition(2))).toEqual({ out: ['|1', 'a1'], blocked: [] });
    expect(h.operator.snapshots).toEqual([{ checkpointId: 1, seen: ['c1'] }]);
    // The next checkpoint aligns over the two open channels only.
    expect(after(h, (t) => t.barrier(1, 2))).toEqual({ out: [], blocked: [1] });
    expect(after(h, (t) => t.barrier(0, 2))).toEqual({ out: ['|2'], blocked: [] });
  });

  it('a channel that ended before the alignment started is left out of it', () => {
    const h = new TaskHarness({ inputChannels: 2 });
    after(h, (t) => t.endOfInput(1));
    after(h, (t) => t.endOfPartition(1));
    expect(after(h, (t) => t.records(0, 'a1'))).toEqual({ out: ['a1'], blocked: [] });
    expect(after(h, (t) => t.barrier(0, 1))).toEqual({ out: ['|1'], blocked: [] });
    expect(h.operator.snapshots).toEqual([{ checkpointId: 1, seen: ['a1'] }]);
  });
});

describe('checkpoints in a task (at least once)', () => {
  it('holds nothing back; snapshots when the last channel delivered the barrier, with the records that overtook it', async () => {
    const h = new TaskHarness({ inputChannels: 3, mode: 'AT_LEAST_ONCE' });
    expect(after(h, (t) => t.records(0, 'a1'))).toEqual({ out: ['a1'], blocked: [] });
    expect(after(h, (t) => t.barrier(0, 1))).toEqual({ out: [], blocked: [] });
    expect(after(h, (t) => t.records(0, 'a2'))).toEqual({ out: ['a2'], blocked: [] });
    expect(after(h, (t) => t.barrier(1, 1))).toEqual({ out: [], blocked: [] });
    expect(after(h, (t) => t.records(1, 'b1'))).toEqual({ out: ['b1'], blocked: [] });
    expect(h.operator.snapshots).toEqual([]);
    expect(after(h, (t) => t.barrier(2, 1))).toEqual({ out: ['|1'], blocked: [] });
    // a2 and b1 came after their channels' barriers: in the snapshot, and replayed after a restore.
    expect(h.operator.snapshots).toEqual([{ checkpointId: 1, seen: ['a1', 'a2', 'b1'] }]);
    await h.settle();
    expect(h.acknowledged.map((a) => a.checkpointId)).toEqual([1]);
  });

  it('a newer checkpoint complete on every channel aborts an older one still missing barriers', () => {
    const h = new TaskHarness({ inputChannels: 2, mode: 'AT_LEAST_ONCE' });
    after(h, (t) => t.barrier(0, 1));
    after(h, (t) => t.barrier(0, 2));
    expect(after(h, (t) => t.barrier(1, 2))).toEqual({ out: ['|2'], blocked: [] });
    expect(h.declined.map((d) => d.checkpointId)).toEqual([1]);
    expect(h.operator.snapshots.map((s) => s.checkpointId)).toEqual([2]);
  });
});

describe('barriers under backpressure', () => {
  it('while the output has no credit, a barrier waits in the input and then goes out behind the queued records', () => {
    const h = new TaskHarness({ inputChannels: 1, creditsPerChannel: 1, manualCredit: true });
    expect(after(h, (t) => t.records(0, 'a1', 'a2'))).toEqual({ out: ['a1'], blocked: [] }); // a2 waits for credit
    expect(h.task.isBackPressured).toBe(true);
    expect(after(h, (t) => t.barrier(0, 1))).toEqual({ out: [], blocked: [] });
    expect(h.operator.snapshots).toEqual([]);
    expect(after(h, (t) => t.grantCredit(0))).toEqual({ out: ['a2', '|1'], blocked: [] });
    expect(h.operator.snapshots).toEqual([{ checkpointId: 1, seen: ['a1', 'a2'] }]);
  });
});
