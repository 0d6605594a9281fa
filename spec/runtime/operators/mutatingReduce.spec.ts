import { OperatorStateSnapshot } from '../../../lib/runtime/state/OperatorStateSnapshot';
import { StreamOperator } from '../../../lib/runtime/StreamOperator';
import { Time } from '../../../lib/core/Time';
import { EventTimeSessionWindows } from '../../../lib/windowing/assigners/EventTimeSessionWindows';
import { GlobalWindows } from '../../../lib/windowing/assigners/GlobalWindows';
import { SlidingEventTimeWindows } from '../../../lib/windowing/assigners/SlidingEventTimeWindows';
import { TumblingEventTimeWindows } from '../../../lib/windowing/assigners/TumblingEventTimeWindows';
import { CountEvictor } from '../../../lib/windowing/evictors/CountEvictor';
import { CountTrigger } from '../../../lib/windowing/triggers/CountTrigger';
import { DataStream } from '../../../lib/api/DataStream';
import { OperatorHarness } from '../../harness/OperatorHarness';
import { operatorOf } from '../../harness/operatorOf';

interface Count {
  key: string;
  n: number;
}

/** Changes its first argument and returns it: allowed in Flink, whose heap backend copies first. */
const addInto = (a: Count, b: Count): Count => {
  a.n += b.n;
  return a;
};

const count = (n: number): Count => ({ key: 'k', n });

/**
 * As a task does at a barrier: the operator's snapshot by reference, written (structured-cloned)
 * only after the records behind the barrier were processed.
 */
function barrier(h: OperatorHarness<Count, Count>, checkpointId = 1): { write(): OperatorStateSnapshot } {
  const held = h.operator.snapshotState!({ checkpointId, timestamp: h.clock.now() });
  return { write: () => structuredClone(held) };
}

/** The operator restored from a written snapshot: what a recovery would continue from. */
function restored(factory: () => StreamOperator<Count, Count>, snapshot: OperatorStateSnapshot): OperatorHarness<Count, Count> {
  return new OperatorHarness<Count, Count>(factory()).initializeState(snapshot).open();
}

describe('a reduce function that changes its first argument does not change a snapshot after its barrier', () => {
  it('keyBy().reduce(): the checkpoint taken at n = 3 is written with n = 3, not 13', () => {
    const factory = operatorOf<Count, Count>((s) => s.keyBy('key').reduce(addInto));
    const h = new OperatorHarness<Count, Count>(factory()).open();
    h.element(count(1), 1).element(count(2), 2);
    const checkpoint = barrier(h);
    h.element(count(10), 3);
    expect(h.values().at(-1)).toEqual(count(13));
    const written = checkpoint.write();

    const r = restored(factory, written);
    r.element(count(100), 4);
    expect(r.values()).toEqual([count(103)]);
  });

  it('keyBy().reduce(): two checkpoints in a row each keep their own value', () => {
    const factory = operatorOf<Count, Count>((s) => s.keyBy('key').reduce(addInto));
    const h = new OperatorHarness<Count, Count>(factory()).open();
    h.element(count(1), 1);
    const first = barrier(h, 1);
    h.element(count(2), 2);
    const second = barrier(h, 2);
    h.element(count(4), 3);
    const afterFirst = restored(factory, first.write());
    const afterSecond = restored(factory, second.write());
    afterFirst.element(count(0), 4);
    afterSecond.element(count(0), 4);
    expect(afterFirst.values()).toEqual([count(1)]);
    expect(afterSecond.values()).toEqual([count(3)]);
  });

  it('keyBy().reduce() never changes an input record, which an upstream operator may still hold in a snapshot', () => {
    const factory = operatorOf<Count, Count>((s) => s.keyBy('key').reduce(addInto));
    const h = new OperatorHarness<Count, Count>(factory()).open();
    // In a job on one thread, records arrive by reference: this one may be an upstream
    // reduce's value, held by a snapshot that is written later.
    const upstream = count(1);
    h.element(upstream, 1).element(count(2), 2).element(count(4), 3);
    expect(upstream).toEqual(count(1));
    expect(h.values().at(-1)).toEqual(count(7));
  });

  it('keyBy().reduce() over class instances: the reduced value keeps its class across checkpoints', () => {
    class Total {
      constructor(
        readonly key: string,
        public n: number,
      ) {}
      add(other: Total): Total {
        this.n += other.n;
        return this;
      }
    }
    const factory = operatorOf<Total, Total>((s) => s.keyBy('key').reduce((a, b) => a.add(b)));
    const h = new OperatorHarness<Total, Total>(factory()).open();
    h.element(new Total('k', 1), 1).element(new Total('k', 2), 2);
    h.operator.snapshotState!({ checkpointId: 1, timestamp: 0 });
    h.element(new Total('k', 10), 3); // the first write after the checkpoint copies the value
    expect(h.values().at(-1)).toEqual(new Total('k', 13));
    expect(h.values().at(-1)).toBeInstanceOf(Total);
  });

  it('window reduce: the window contents in the checkpoint stay as at the barrier', () => {
    const define = (s: DataStream<Count>) =>
      s
        .keyBy('key')
        .window(TumblingEventTimeWindows.of(Time.seconds(1)))
        .reduce(addInto);
    const factory = operatorOf<Count, Count>(define);
    const h = new OperatorHarness<Count, Count>(factory()).open();
    h.element(count(1), 10).element(count(2), 20);
    const checkpoint = barrier(h);
    h.element(count(10), 30);
    h.watermark(999);
    expect(h.values()).toEqual([count(13)]);

    const r = restored(factory, checkpoint.write());
    r.watermark(999);
    expect(r.values()).toEqual([count(3)]);
  });

  it('sliding window reduce: a record in several windows is reduced in each on its own, and never changed', () => {
    const define = (s: DataStream<Count>) =>
      s
        .keyBy('key')
        .window(SlidingEventTimeWindows.of(Time.seconds(2), Time.seconds(1)))
        .reduce(addInto);
    const h = new OperatorHarness<Count, Count>(operatorOf<Count, Count>(define)()).open();
    const inputs = [count(1), count(2)];
    h.element(inputs[0], 500).element(inputs[1], 600); // both in [-1000, 1000) and [0, 2000)
    h.watermark(1999);
    expect(h.values()).toEqual([count(3), count(3)]);
    expect(inputs).toEqual([count(1), count(2)]);
  });

  it('session window reduce: merging windows after the barrier leaves the checkpoint as at the barrier', () => {
    const define = (s: DataStream<Count>) =>
      s
        .keyBy('key')
        .window(EventTimeSessionWindows.withGap(Time.milliseconds(10)))
        .reduce(addInto);
    const factory = operatorOf<Count, Count>(define);
    const h = new OperatorHarness<Count, Count>(factory()).open();
    h.element(count(1), 0).element(count(2), 18); // two sessions: [0,10) and [18,28)
    const checkpoint = barrier(h);
    h.element(count(10), 9); // [9,19) bridges both: one session [0,28)
    h.watermark(100);
    expect(h.values()).toEqual([count(13)]);

    const r = restored(factory, checkpoint.write());
    r.watermark(100);
    expect(r.values()).toEqual([count(1), count(2)]);
  });

  it('session window aggregate: a merge that reuses its second accumulator leaves the checkpoint as at the barrier', () => {
    // Flink's AggregateFunction#merge "may reuse any of the given accumulators as the target".
    const sum = {
      createAccumulator: () => ({ n: 0 }),
      add: (v: Count, acc: { n: number }) => ((acc.n += v.n), acc),
      getResult: (acc: { n: number }) => ({ key: 'k', n: acc.n }),
      merge: (a: { n: number }, b: { n: number }) => ((b.n += a.n), b),
    };
    const define = (s: DataStream<Count>) =>
      s
        .keyBy('key')
        .window(EventTimeSessionWindows.withGap(Time.milliseconds(10)))
        .aggregate(sum);
    const factory = operatorOf<Count, Count>(define);
    const h = new OperatorHarness<Count, Count>(factory()).open();
    h.element(count(1), 0).element(count(2), 18);
    const checkpoint = barrier(h);
    h.element(count(10), 9);
    h.watermark(100);
    expect(h.values()).toEqual([count(13)]);

    const r = restored(factory, checkpoint.write());
    r.watermark(100);
    expect(r.values()).toEqual([count(1), count(2)]);
  });

  it('window reduce with an evictor (applied at firing): the kept elements stay as they were', () => {
    // CountTrigger fires every 2 elements and keeps them; the evictor keeps at most 10.
    const define = (s: DataStream<Count>) =>
      s.keyBy('key').window(GlobalWindows.create()).trigger(CountTrigger.of(2)).evictor(CountEvictor.of(10)).reduce(addInto);
    const factory = operatorOf<Count, Count>(define);
    const h = new OperatorHarness<Count, Count>(factory()).open();
    h.element(count(1));
    const checkpoint = barrier(h);
    h.element(count(2)); // fires: 1 + 2
    h.element(count(4)).element(count(8)); // fires again over the kept elements: 1 + 2 + 4 + 8
    expect(h.values().map((c) => c.n)).toEqual([3, 15]);

    const r = restored(factory, checkpoint.write());
    r.element(count(20)); // fires over the restored element and this one
    expect(r.values().map((c) => c.n)).toEqual([21]);
  });
});
