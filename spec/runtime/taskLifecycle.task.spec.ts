import { TaskHarness } from '../harness/TaskHarness';

/**
 * The end of a StreamTask, message by message: with checkpointing a task whose input ended
 * finishes only after a checkpoint taken after that end completed (Flink's final checkpoint,
 * FLIP-147), and tells its consumers that no barrier follows (end of partition); a
 * stop-with-savepoint ends the task when the savepoint completes, without end of input, and
 * lets it run on when the savepoint is aborted.
 */

/** Feeds messages, runs the mailbox, and returns what went downstream meanwhile. */
function after(h: TaskHarness, feed: (h: TaskHarness) => unknown): string[] {
  feed(h);
  h.run();
  return h.takeOutput();
}

describe('the lifecycle of a task', () => {
  it('without checkpointing, finishes as soon as its input ended and its output left', () => {
    const h = new TaskHarness({ inputChannels: 1, mode: null });
    expect(after(h, (t) => t.records(0, 'a1').endOfInput(0))).toEqual(['a1', 'end']);
    expect(h.task.lifecycle).toEqual({ kind: 'ended', state: 'FINISHED' });
    expect(h.states).toEqual(['RUNNING', 'FINISHED']);
  });

  it('end of input → the final checkpoint → finished, with end of partition after the final barrier', async () => {
    const h = new TaskHarness({ inputChannels: 2 });
    expect(after(h, (t) => t.records(0, 'a1').barrier(0, 1).barrier(1, 1))).toEqual(['a1', '|1']);
    expect(after(h, (t) => t.records(1, 'b1').endOfInput(0).endOfInput(1))).toEqual(['b1', 'end']);
    // Input ended, but no checkpoint was taken after it: the task waits, still RUNNING.
    expect(h.task.lifecycle).toEqual({ kind: 'awaitingFinalCheckpoint', finalCheckpointId: undefined });
    expect(h.task.executionState).toBe('RUNNING');
    // Checkpoint 1 was taken before the end: its completion does not end the task.
    expect(after(h, (t) => t.completeCheckpoint(1))).toEqual([]);
    expect(h.task.lifecycle.kind).toBe('awaitingFinalCheckpoint');
    // Checkpoint 2 is the first after the end: it holds everything the task saw.
    expect(after(h, (t) => t.barrier(0, 2).barrier(1, 2))).toEqual(['|2']);
    expect(h.task.lifecycle).toEqual({ kind: 'awaitingFinalCheckpoint', finalCheckpointId: 2 });
    await h.settle();
    expect(h.acknowledged.map((a) => a.checkpointId)).toEqual([1, 2]);
    expect(h.operator.snapshots.at(-1)).toEqual({ checkpointId: 2, seen: ['a1', 'b1'] });
    expect(h.states).toEqual(['RUNNING']);
    expect(after(h, (t) => t.completeCheckpoint(2))).toEqual(['eop']);
    expect(h.task.lifecycle).toEqual({ kind: 'ended', state: 'FINISHED' });
    expect(h.states).toEqual(['RUNNING', 'FINISHED']);
  });

  it('a final checkpoint that is aborted: the task waits for the next one and finishes when that completes', async () => {
    const h = new TaskHarness({ inputChannels: 1 });
    expect(after(h, (t) => t.records(0, 'a1').endOfInput(0).barrier(0, 1))).toEqual(['a1', 'end', '|1']);
    expect(h.task.lifecycle).toEqual({ kind: 'awaitingFinalCheckpoint', finalCheckpointId: 1 });
    expect(after(h, (t) => t.abortCheckpoint(1))).toEqual([]);
    // Not finished: checkpoint 1 will never complete, the next checkpoint is the final one.
    expect(h.task.lifecycle).toEqual({ kind: 'awaitingFinalCheckpoint', finalCheckpointId: undefined });
    expect(h.states).toEqual(['RUNNING']);
    expect(after(h, (t) => t.barrier(0, 2))).toEqual(['|2']);
    expect(h.task.lifecycle).toEqual({ kind: 'awaitingFinalCheckpoint', finalCheckpointId: 2 });
    await h.settle();
    expect(h.acknowledged.map((a) => a.checkpointId)).toEqual([1, 2]);
    expect(after(h, (t) => t.completeCheckpoint(2))).toEqual(['eop']);
    expect(h.states).toEqual(['RUNNING', 'FINISHED']);
  });

  it('stop-with-savepoint that completes: the task ends without end of input (no final watermark, state stays in the savepoint)', async () => {
    const h = new TaskHarness({ inputChannels: 1 });
    expect(after(h, (t) => t.records(0, 'a1').barrier(0, 7, 'SAVEPOINT_SUSPEND'))).toEqual(['a1', '|7']);
    expect(h.task.lifecycle).toEqual({ kind: 'suspendedAtSavepoint', savepointId: 7 });
    await h.settle();
    expect(h.acknowledged.map((a) => a.checkpointId)).toEqual([7]);
    expect(h.states).toEqual(['RUNNING']);
    expect(after(h, (t) => t.completeCheckpoint(7))).toEqual(['eop']);
    expect(h.output()).not.toContain('end');
    expect(h.task.lifecycle).toEqual({ kind: 'ended', state: 'FINISHED' });
    expect(h.states).toEqual(['RUNNING', 'FINISHED']);
  });

  it('stop-with-savepoint that is aborted: the task runs on, takes later checkpoints and finishes normally', async () => {
    const h = new TaskHarness({ inputChannels: 1 });
    expect(after(h, (t) => t.records(0, 'a1').barrier(0, 7, 'SAVEPOINT_SUSPEND'))).toEqual(['a1', '|7']);
    expect(after(h, (t) => t.abortCheckpoint(7))).toEqual([]);
    expect(h.task.lifecycle).toEqual({ kind: 'running' });
    // A late completion of some other, older checkpoint does not end it either.
    expect(after(h, (t) => t.completeCheckpoint(6))).toEqual([]);
    expect(after(h, (t) => t.records(0, 'a2').barrier(0, 8))).toEqual(['a2', '|8']);
    expect(h.task.lifecycle).toEqual({ kind: 'running' });
    expect(after(h, (t) => t.completeCheckpoint(8))).toEqual([]);
    expect(h.states).toEqual(['RUNNING']);
    expect(after(h, (t) => t.endOfInput(0).barrier(0, 9))).toEqual(['end', '|9']);
    await h.settle();
    expect(h.acknowledged.map((a) => a.checkpointId)).toEqual([7, 8, 9]);
    expect(after(h, (t) => t.completeCheckpoint(9))).toEqual(['eop']);
    expect(h.states).toEqual(['RUNNING', 'FINISHED']);
  });

  it('a stop-with-savepoint barrier after the end of input serves as the final checkpoint', () => {
    const h = new TaskHarness({ inputChannels: 1 });
    expect(after(h, (t) => t.endOfInput(0).barrier(0, 3, 'SAVEPOINT_SUSPEND'))).toEqual(['end', '|3']);
    expect(h.task.lifecycle).toEqual({ kind: 'awaitingFinalCheckpoint', finalCheckpointId: 3 });
    expect(after(h, (t) => t.completeCheckpoint(3))).toEqual(['eop']);
    expect(h.states).toEqual(['RUNNING', 'FINISHED']);
  });

  it('a cancelled task ends CANCELED and ignores what arrives after', () => {
    const h = new TaskHarness({ inputChannels: 1 });
    after(h, (t) => t.records(0, 'a1').endOfInput(0));
    h.task.cancel();
    expect(h.task.lifecycle).toEqual({ kind: 'ended', state: 'CANCELED' });
    expect(after(h, (t) => t.barrier(0, 1).completeCheckpoint(1))).toEqual([]);
    expect(h.states).toEqual(['RUNNING', 'CANCELED']);
  });
});
