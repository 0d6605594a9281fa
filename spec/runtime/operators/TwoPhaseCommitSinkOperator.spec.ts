import { TransactionalSinkContext, TwoPhaseCommitSink } from '../../../lib/connectors/sink/TwoPhaseCommitSink';
import { TwoPhaseCommitSinkOperator } from '../../../lib/runtime/operators/TwoPhaseCommitSinkOperator';
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
});
