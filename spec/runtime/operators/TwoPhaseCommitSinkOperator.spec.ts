import { TransactionalSinkContext, TwoPhaseCommitSink } from '../../../lib/connectors/sink/TwoPhaseCommitSink';
import { TwoPhaseCommitSinkOperator } from '../../../lib/runtime/operators/TwoPhaseCommitSinkOperator';
import { HeldCommitsSink } from '../../harness/HeldCommitsSink';
import { OperatorHarness } from '../../harness/OperatorHarness';
import { TransactionalCollectSink } from '../../harness/TransactionalCollectSink';

function sinkHarness<TXN>(sink: TwoPhaseCommitSink<string, TXN>): OperatorHarness<string, never> {
  return new OperatorHarness(new TwoPhaseCommitSinkOperator<string, TXN>(sink, 'Sink: Test'), { checkpointingMode: 'EXACTLY_ONCE' });
}

/** A barrier passes the sink: snapshot, then the pre-commit the checkpoint waits for. */
async function barrier(h: OperatorHarness<string, never>, checkpointId: number): Promise<void> {
  h.snapshot(checkpointId);
  await h.operator.preCommit!(checkpointId);
  await h.settleAsyncWork();
}

describe('TwoPhaseCommitSinkOperator', () => {
  it('commits a transaction only once its checkpoint completed, never at the barrier', async () => {
    const sink = new TransactionalCollectSink<string>();
    const h = sinkHarness(sink).open();
    h.element('a').element('b');
    await barrier(h, 1);
    expect(sink.committed).toEqual([]); // pre-committed only: invisible
    h.element('c');
    h.notifyCheckpointComplete(1);
    await h.settleAsyncWork();
    expect(sink.committed).toEqual(['a', 'b']);
    await barrier(h, 2);
    expect(sink.committed).toEqual(['a', 'b']);
    h.element('d');
    await barrier(h, 3);
    // Checkpoint 2's completion was lost; 3 completes: every pending transaction up to 3, in order.
    h.notifyCheckpointComplete(3);
    await h.settleAsyncWork();
    expect(sink.committed).toEqual(['a', 'b', 'c', 'd']);
    h.close();
    await h.settleAsyncWork();
  });

  it("asks its TaskManager's fence before every commit: once fenced out it commits nothing, and what it held stays pending for the next attempt", async () => {
    const sink = new TransactionalCollectSink<string>();
    let fenced = false;
    const asked: string[] = [];
    const checkFence = async (action: string): Promise<void> => {
      asked.push(action);
      if (fenced) throw new Error(`${action} refused: fenced out`);
    };
    const harness = (): OperatorHarness<string, never> =>
      new OperatorHarness(new TwoPhaseCommitSinkOperator<string, { id: string }>(sink, 'Sink: Test'), { checkpointingMode: 'EXACTLY_ONCE', checkFence });
    const h = harness().open();
    h.element('a');
    await barrier(h, 1);
    h.notifyCheckpointComplete(1);
    await h.settleAsyncWork();
    expect(sink.committed).toEqual(['a']);
    expect(asked).toEqual(['Sink: Test: committing the transaction of checkpoint 1']);

    h.element('b');
    await barrier(h, 2);
    fenced = true;
    h.notifyCheckpointComplete(2);
    await expect(h.settleAsyncWork()).rejects.toThrow('Sink: Test: committing the transaction of checkpoint 2 refused: fenced out');
    expect(sink.committed).toEqual(['a']);
    // A barrier still passing (the task fails at once in a real run) keeps the transaction pending.
    const state = h.snapshot(3);

    // The next attempt restored from it, on a TaskManager fenced out too, does not recommit it either.
    const fencedToo = harness().initializeState(state, 3).open();
    await expect(fencedToo.settleAsyncWork()).rejects.toThrow('recommitting the transaction of checkpoint 2 refused');
    expect(sink.committed).toEqual(['a']);

    // On a TaskManager that holds its fence, it does.
    fenced = false;
    const next = harness().initializeState(state, 3).open();
    await next.settleAsyncWork();
    expect(sink.committed).toEqual(['a', 'b']);
  });

  it('on restore, commits what was pending again, aborts what was open, and tells the sink the restored checkpoint', async () => {
    const sink = new TransactionalCollectSink<string>();
    const before = sinkHarness(sink).open();
    before.element('pending');
    // The state of a subtask that finished at its final checkpoint 1 goes into checkpoint 5 unchanged.
    const state = before.snapshot(1);
    await before.operator.preCommit!(1);
    before.element('open'); // into the transaction the state names as open
    before.operator.flush();
    expect(sink.numStaged).toBe(2);
    const contexts: TransactionalSinkContext[] = [];
    const spy: TwoPhaseCommitSink<string, { id: string }> = {
      name: sink.name,
      transactional: true,
      createWriter: (ctx) => {
        contexts.push(ctx);
        return sink.createWriter(ctx);
      },
    };
    const after = sinkHarness(spy).initializeState(state, 5).open();
    await after.settleAsyncWork();
    expect(contexts.map((c) => c.restoredCheckpointId)).toEqual([5]);
    expect(sink.committed).toEqual(['pending']);
    expect(sink.numStaged).toBe(0); // what was open when the state was taken is aborted
    after.close();
    await after.settleAsyncWork();
    expect(sink.committed).toEqual(['pending']);
  });
  it('keeps restored pending transactions in every checkpoint until their recovery commit landed: a run that dies before loses nothing', async () => {
    const sink = new TransactionalCollectSink<string>();
    const first = sinkHarness(sink).open();
    first.element('a');
    const checkpoint1 = first.snapshot(1);
    await first.operator.preCommit!(1);
    // Checkpoint 1 completed; the run died before it committed 'a'.

    // The next run restores 1; its recovery commit of 'a' is slow. Meanwhile a barrier passes,
    // checkpoint 2 completes, and the run dies before any commit reached the sink.
    const slow = new HeldCommitsSink(sink, (t) => t.id);
    const second = sinkHarness(slow).initializeState(checkpoint1, 1).open();
    second.element('b');
    const checkpoint2 = second.snapshot(2);
    await second.operator.preCommit!(2);
    second.notifyCheckpointComplete(2);
    expect(slow.asked).toHaveLength(1); // the recovery commit of 'a', still under way
    expect(sink.committed).toEqual([]);

    // The run after restores 2: 'a' is still pending in it, and is committed with 'b'.
    const third = sinkHarness(sink).initializeState(checkpoint2, 2).open();
    await third.settleAsyncWork();
    expect(sink.committed).toEqual(['a', 'b']);
    expect(sink.numStaged).toBe(0);
    third.close();
    await third.settleAsyncWork();
  });

  it('keeps a restored open transaction in every checkpoint until it was aborted, so a later restore aborts it', async () => {
    const sink = new TransactionalCollectSink<string>();
    const first = sinkHarness(sink).open();
    const checkpoint1 = first.snapshot(1);
    await first.operator.preCommit!(1);
    first.element('never visible'); // into the transaction checkpoint 1 names as open
    first.operator.flush();
    // The next run restores 1 and dies with the abort of that transaction still under way.
    const slow = new HeldCommitsSink(sink, (t) => t.id);
    const second = sinkHarness(slow).initializeState(checkpoint1, 1).open();
    const checkpoint2 = second.snapshot(2);
    await second.operator.preCommit!(2);
    second.notifyCheckpointComplete(2);
    expect(slow.asked).toHaveLength(1);
    expect(sink.numStaged).toBe(1);

    const third = sinkHarness(sink).initializeState(checkpoint2, 2).open();
    await third.settleAsyncWork();
    expect(sink.numStaged).toBe(0);
    expect(sink.committed).toEqual([]);
    third.close();
    await third.settleAsyncWork();
  });

  it('commits a restored pending transaction once, before what the run pre-commits itself, however many checkpoints complete meanwhile', async () => {
    const sink = new TransactionalCollectSink<string>();
    const first = sinkHarness(sink).open();
    first.element('a');
    const checkpoint1 = first.snapshot(1);
    await first.operator.preCommit!(1);
    const slow = new HeldCommitsSink(sink, (t) => t.id);
    const second = sinkHarness(slow).initializeState(checkpoint1, 1).open();
    second.element('b');
    second.snapshot(2);
    await second.operator.preCommit!(2);
    second.notifyCheckpointComplete(2);
    second.element('c');
    second.snapshot(3);
    await second.operator.preCommit!(3);
    second.notifyCheckpointComplete(3);
    slow.release();
    await second.settleAsyncWork();
    expect(sink.committed).toEqual(['a', 'b', 'c']);
    expect(sink.numCommitCalls).toBe(3); // 'a' once: not again by the completions of 2 and 3
    // Committed, it left the state: a restore of the next checkpoint commits only that
    // checkpoint's own (empty) transaction, not 'a' again.
    const checkpoint4 = second.snapshot(4);
    const third = sinkHarness(sink).initializeState(checkpoint4, 4).open();
    await third.settleAsyncWork();
    expect(sink.numCommitCalls).toBe(4);
    second.close();
    third.close();
    await second.settleAsyncWork();
    await third.settleAsyncWork();
  });
});
