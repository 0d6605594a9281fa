import { SinkContext } from '../../../lib/connectors/sink/SinkFunction';
import { TwoPhaseCommitSink, TwoPhaseCommitWriter } from '../../../lib/connectors/sink/TwoPhaseCommitSink';
import { MIN_WATERMARK } from '../../../lib/time/Watermark';
import { OperatorStateSnapshot } from '../../../lib/runtime/state/OperatorStateSnapshot';
import { TwoPhaseCommitSinkOperator } from '../../../lib/runtime/operators/TwoPhaseCommitSinkOperator';
import { OperatorHarness } from '../../harness/OperatorHarness';

interface Txn {
  readonly name: string;
}

/**
 * A sink that logs every call its writers get (transactions are named `<prefix><opened after checkpoint>`)
 * and what each commit made visible; commits are idempotent, as the protocol requires.
 */
class LoggingSink implements TwoPhaseCommitSink<string, Txn> {
  readonly name = 'Logging Sink';
  readonly transactional = true as const;
  readonly calls: string[] = [];
  readonly committed: string[] = [];
  readonly contexts: SinkContext[] = [];
  private readonly staged = new Map<string, string[]>();
  private readonly done = new Set<string>();

  constructor(private readonly prefix = 't') {}

  createWriter(): TwoPhaseCommitWriter<string, Txn> {
    return {
      beginTransaction: (checkpointId) => {
        const name = `${this.prefix}${checkpointId}`;
        this.calls.push(`begin ${name}`);
        this.staged.set(name, []);
        return { name };
      },
      invoke: (txn, value, context) => {
        this.staged.get(txn.name)?.push(value);
        this.contexts.push({ timestamp: context.timestamp, currentWatermark: context.currentWatermark, currentProcessingTime: context.currentProcessingTime });
      },
      flush: (txn) => void this.calls.push(`flush ${txn.name}`),
      preCommit: async (txn) => void this.calls.push(`preCommit ${txn.name}`),
      commit: async (txn) => {
        this.calls.push(`commit ${txn.name}`);
        if (this.done.has(txn.name)) return;
        this.done.add(txn.name);
        this.committed.push(...(this.staged.get(txn.name) ?? []));
      },
      abort: async (txn) => void this.calls.push(`abort ${txn.name}`),
      close: async () => void this.calls.push('close'),
    };
  }
}

function sinkHarness(sink: TwoPhaseCommitSink<string, Txn>, checkpointing = true): OperatorHarness<string, never> {
  return new OperatorHarness(new TwoPhaseCommitSinkOperator<string, Txn>(sink, 'Sink: Test'), {
    checkpointingMode: checkpointing ? 'EXACTLY_ONCE' : undefined,
  });
}

/** A barrier passes the sink: snapshot (returned, as a restore would get it), then the pre-commit. */
async function barrier(h: OperatorHarness<string, never>, checkpointId: number): Promise<OperatorStateSnapshot> {
  const state = h.snapshot(checkpointId);
  await h.operator.preCommit!(checkpointId);
  await h.settleAsyncWork();
  return state;
}

describe('TwoPhaseCommitSinkOperator protocol', () => {
  it('a completed checkpoint commits only transactions of checkpoints up to it, never one of a later checkpoint still pending', async () => {
    const sink = new LoggingSink();
    const h = sinkHarness(sink).open();
    h.element('a');
    await barrier(h, 1);
    h.element('b');
    await barrier(h, 2);
    h.notifyCheckpointComplete(1);
    await h.settleAsyncWork();
    expect(sink.committed).toEqual(['a']);
    h.notifyCheckpointComplete(2);
    await h.settleAsyncWork();
    expect(sink.committed).toEqual(['a', 'b']);
  });

  it('a transaction is committed once: a later completed checkpoint does not commit it again', async () => {
    const sink = new LoggingSink();
    const h = sinkHarness(sink).open();
    h.element('a');
    await barrier(h, 1);
    h.notifyCheckpointComplete(1);
    await h.settleAsyncWork();
    h.element('b');
    await barrier(h, 2);
    h.notifyCheckpointComplete(2);
    await h.settleAsyncWork();
    expect(sink.calls.filter((c) => c.startsWith('commit'))).toEqual(['commit t0', 'commit t1']);
  });

  it('a transaction still pending when an earlier one commits stays in the next checkpoint, and a restore commits it', async () => {
    const sink = new LoggingSink();
    const h = sinkHarness(sink).open();
    h.element('a');
    await barrier(h, 1);
    h.element('b');
    await barrier(h, 2); // checkpoint 2's completion never arrives
    h.notifyCheckpointComplete(1);
    await h.settleAsyncWork();
    const state = await barrier(h, 3);
    // The job fails over to checkpoint 3.
    const restored = sinkHarness(sink).initializeState(state, 3).open();
    await restored.settleAsyncWork();
    expect(sink.committed).toEqual(['a', 'b']);
  });

  it('a restore from the states of several subtasks (rescale) commits their pending transactions in checkpoint order', async () => {
    const sinkA = new LoggingSink('a');
    const a = sinkHarness(sinkA).open();
    a.element('a1');
    await barrier(a, 1);
    a.element('a3');
    const stateA = await barrier(a, 3);
    const sinkB = new LoggingSink('b');
    const b = sinkHarness(sinkB).open();
    b.element('b2');
    await barrier(b, 2); // b's barrier 1 came before any record
    const stateB = await barrier(b, 3);
    // Pending: a0 at checkpoint 1, a1 at 3 (subtask a); b0 at 2, b2 at 3 (subtask b).
    const recovering = new LoggingSink();
    const r = sinkHarness(recovering).initializeState([stateB, stateA], 3).open();
    await r.settleAsyncWork();
    expect(recovering.calls.filter((c) => c.startsWith('commit'))).toEqual(['commit a0', 'commit b0', 'commit b2', 'commit a1']);
  });

  it('refuses to run without checkpointing, saying how to enable it (it would never commit)', () => {
    expect(() => sinkHarness(new LoggingSink(), false).open()).toThrow(
      'Sink: Test is transactional: it commits on checkpoints, so enable checkpointing (env.enableCheckpointing(intervalMs))',
    );
  });

  it("the writer sees the record's timestamp, the current watermark and the processing time", () => {
    const sink = new LoggingSink();
    const h = sinkHarness(sink).open();
    h.element('no timestamp');
    h.watermark(40);
    h.clock.advance(7);
    h.element('stamped', 42);
    expect(sink.contexts).toEqual([
      { timestamp: undefined, currentWatermark: MIN_WATERMARK, currentProcessingTime: 0 },
      { timestamp: 42, currentWatermark: 40, currentProcessingTime: 7 },
    ]);
  });

  it('a flush of the task reaches the writer, so a buffering writer holds at most one batch', () => {
    const sink = new LoggingSink();
    const h = sinkHarness(sink).open();
    h.element('a');
    h.operator.flush();
    expect(sink.calls).toEqual(['begin t0', 'flush t0']);
  });

  it('after a restore the first transaction is opened under the restored checkpoint id, so a recovery from that checkpoint treats it as an orphan', async () => {
    const sink = new LoggingSink();
    const before = sinkHarness(sink).open();
    const state = await barrier(before, 5);
    const after = new LoggingSink();
    sinkHarness(after).initializeState(state, 5).open();
    expect(after.calls[0]).toBe('begin t5');
  });

  it('close aborts the open transaction and then closes the writer, after the commits in flight', async () => {
    const sink = new LoggingSink();
    const h = sinkHarness(sink).open();
    h.element('a');
    await barrier(h, 1);
    h.notifyCheckpointComplete(1);
    h.close();
    await h.settleAsyncWork();
    expect(sink.calls.slice(-3)).toEqual(['commit t0', 'abort t1', 'close']);
  });

  it('a failing abort or close at the end is printed on stderr, naming the sink and the subtask, and fails nothing', async () => {
    const sink = new LoggingSink();
    const createWriter = sink.createWriter.bind(sink);
    sink.createWriter = () => ({
      ...createWriter(),
      abort: async () => Promise.reject(new Error('Redis is gone')),
      close: async () => Promise.reject(new Error('socket closed')),
    });
    const h = sinkHarness(sink).open();
    h.close();
    await expect(h.settleAsyncWork()).resolves.toBeUndefined();
    expect(h.printed).toEqual([
      "Sink: Test (subtask 0): abort of the open transaction failed: Redis is gone; what it left open is cleaned up by the next run's recovery",
      "Sink: Test (subtask 0): close of the writer failed: socket closed; what it left open is cleaned up by the next run's recovery",
    ]);
  });

  it('a sink closed before it opened (its task failed earlier) has nothing to abort and reports no error of its own', async () => {
    const sink = new LoggingSink();
    const h = sinkHarness(sink);
    h.close();
    await expect(h.settleAsyncWork()).resolves.toBeUndefined();
    expect(sink.calls).toEqual([]);
  });
});
