import { SinkContext } from '../../../lib/connectors/sink/SinkFunction';
import { TransactionalSinkContext, TwoPhaseCommitSink, TwoPhaseCommitWriter } from '../../../lib/connectors/sink/TwoPhaseCommitSink';
import { MalformedRecordError } from '../../../lib/runtime/errors';
import { MIN_WATERMARK } from '../../../lib/time/Watermark';
import { OperatorStateSnapshot } from '../../../lib/runtime/state/OperatorStateSnapshot';
import { TwoPhaseCommitSinkOperator } from '../../../lib/runtime/operators/TwoPhaseCommitSinkOperator';
import { OperatorHarness } from '../../harness/OperatorHarness';

interface Txn {
  readonly name: string;
}

/** A writer call the test holds back: `asked` once the writer got it, and it returns after `release()`. */
interface HeldCall {
  readonly asked: Promise<void>;
  release(): void;
}

/**
 * A sink that logs every call its writers get (transactions are named `<prefix><opened after checkpoint>`)
 * and what each commit made visible; commits are idempotent, as the protocol requires. A
 * pre-commit, commit or abort the test holds (`hold('abort b1')`) waits until the test releases it.
 */
class LoggingSink implements TwoPhaseCommitSink<string, Txn> {
  readonly name = 'Logging Sink';
  readonly transactional = true as const;
  readonly calls: string[] = [];
  readonly committed: string[] = [];
  readonly contexts: SinkContext[] = [];
  readonly writerContexts: TransactionalSinkContext[] = [];
  private readonly staged = new Map<string, string[]>();
  private readonly done = new Set<string>();
  private readonly held = new Map<string, { asked: () => void; released: Promise<void> }>();

  constructor(private readonly prefix = 't') {}

  hold(call: string): HeldCall {
    let asked!: () => void;
    let release!: () => void;
    const askedPromise = new Promise<void>((resolve) => (asked = resolve));
    this.held.set(call, { asked, released: new Promise<void>((resolve) => (release = resolve)) });
    return { asked: askedPromise, release };
  }

  /** The commit and abort calls so far, in order. */
  get outcomes(): string[] {
    return this.calls.filter((c) => c.startsWith('commit') || c.startsWith('abort'));
  }

  private async call(call: string): Promise<void> {
    this.calls.push(call);
    const held = this.held.get(call);
    if (!held) return;
    held.asked();
    await held.released;
  }

  createWriter(context: TransactionalSinkContext): TwoPhaseCommitWriter<string, Txn> {
    this.writerContexts.push(context);
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
      preCommit: (txn) => this.call(`preCommit ${txn.name}`),
      commit: async (txn) => {
        await this.call(`commit ${txn.name}`);
        if (this.done.has(txn.name)) return;
        this.done.add(txn.name);
        this.committed.push(...(this.staged.get(txn.name) ?? []));
      },
      abort: (txn) => this.call(`abort ${txn.name}`),
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
    sink.createWriter = (context) => ({
      ...createWriter(context),
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

  it("the writer is told its subtask and the job run, so that it can tell its own transactions from another run's", () => {
    const sink = new LoggingSink();
    const operator = new TwoPhaseCommitSinkOperator<string, Txn>(sink, 'Sink: Test');
    new OperatorHarness(operator, { checkpointingMode: 'EXACTLY_ONCE', jobId: 'job-7', subtaskIndex: 1, parallelism: 2 }).open();
    expect(sink.writerContexts).toEqual([
      expect.objectContaining({ subtaskIndex: 1, parallelism: 2, taskName: 'Sink: Test', jobId: 'job-7', attemptNumber: 0, restoredCheckpointId: undefined }),
    ]);
  });

  it('a record the writer refuses fails the subtask, naming the sink and the record; one it reports malformed is skipped and counted', () => {
    const sink = new LoggingSink();
    const createWriter = sink.createWriter.bind(sink);
    sink.createWriter = (context) => ({
      ...createWriter(context),
      invoke: (_txn, value) => {
        if (value === 'garbled') throw new MalformedRecordError('not a line of the log');
        throw new Error('value too large for the store');
      },
    });
    const h = sinkHarness(sink).open();
    h.element('garbled');
    expect(h.metrics.numRecordsSkipped).toBe(1);
    expect(() => h.element('huge')).toThrow(`operator 'Sink: Test' failed on record "huge": value too large for the store`);
  });

  it("a checkpoint waits for its transaction's pre-commit, and a pre-commit that fails fails the checkpoint", async () => {
    const sink = new LoggingSink();
    const createWriter = sink.createWriter.bind(sink);
    sink.createWriter = (context) => {
      const writer = createWriter(context);
      return {
        ...writer,
        preCommit: async (txn) => {
          if (txn.name === 't1') throw new Error('disk full');
          await writer.preCommit(txn);
        },
      };
    };
    const durable = sink.hold('preCommit t0');
    const h = sinkHarness(sink).open();
    h.element('a');
    h.snapshot(1);
    let acknowledged = false;
    const acknowledgement = h.operator.preCommit!(1).then(() => void (acknowledged = true));
    await durable.asked;
    await h.runMailbox(); // every promise that can settle now has settled
    expect(acknowledged).toBe(false);
    durable.release();
    await acknowledgement;
    h.element('b');
    h.snapshot(2);
    await expect(h.operator.preCommit!(2)).rejects.toThrow('disk full');
  });

  it("a restore aborts exactly what was open at its checkpoint: not what an earlier run's recovery already aborted", async () => {
    const first = new LoggingSink('t');
    const h1 = sinkHarness(first).open();
    h1.element('a');
    const checkpoint1 = await barrier(h1, 1); // pending t0, open t1
    const second = new LoggingSink('s');
    const h2 = sinkHarness(second).initializeState(checkpoint1, 1).open();
    await h2.settleAsyncWork();
    expect(second.outcomes).toEqual(['commit t0', 'abort t1']);
    h2.element('b');
    const checkpoint2 = await barrier(h2, 2); // pending s1, open s2
    const third = new LoggingSink('r');
    const h3 = sinkHarness(third).initializeState(checkpoint2, 2).open();
    await h3.settleAsyncWork();
    expect(third.outcomes).toEqual(['commit s1', 'abort s2']);
  });

  it('a transaction pre-committed while the recovery commit is under way is committed when its checkpoint completes later', async () => {
    const first = new LoggingSink('t');
    const h1 = sinkHarness(first).open();
    h1.element('a');
    const checkpoint1 = await barrier(h1, 1); // pending t0
    const second = new LoggingSink('s');
    const recovery = second.hold('commit t0');
    const h2 = sinkHarness(second).initializeState(checkpoint1, 1).open();
    await recovery.asked;
    h2.element('b');
    h2.snapshot(2); // pending t0 (being recovered) and s1
    await h2.operator.preCommit!(2);
    recovery.release();
    await h2.settleAsyncWork();
    h2.notifyCheckpointComplete(2);
    await h2.settleAsyncWork();
    expect(second.outcomes).toEqual(['commit t0', 'abort t1', 'commit s1']);
    expect(second.committed).toEqual(['b']);
  });

  it('after a rescale, a run that dies during the aborts of the restored open transactions leaves each one not aborted yet to the next run', async () => {
    const sinkA = new LoggingSink('a');
    const stateA = await barrier(sinkHarness(sinkA).open(), 1); // open a1
    const sinkB = new LoggingSink('b');
    const stateB = await barrier(sinkHarness(sinkB).open(), 1); // open b1
    const second = new LoggingSink('s');
    const abortOfB = second.hold('abort b1');
    const h2 = sinkHarness(second).initializeState([stateA, stateB], 1).open();
    await abortOfB.asked;
    expect(second.outcomes).toEqual(['commit a0', 'commit b0', 'abort a1', 'abort b1']);
    const checkpoint2 = h2.snapshot(2); // a1 aborted, b1 not yet: the run dies here
    const third = new LoggingSink('r');
    const h3 = sinkHarness(third).initializeState(checkpoint2, 2).open();
    await h3.settleAsyncWork();
    expect(third.outcomes.filter((c) => c.startsWith('abort'))).toEqual(['abort s2', 'abort b1']);
  });
});
