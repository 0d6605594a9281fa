import { InternalMergingState } from '../../../lib/runtime/state/heap/AbstractHeapState';
import { HeapKeyedStateBackend } from '../../../lib/runtime/state/HeapKeyedStateBackend';
import { KeyGroupStateMap } from '../../../lib/runtime/state/StateTable';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../../../lib/core/state/StateDescriptor';
import { StateTtlConfig } from '../../../lib/core/state/StateTtlConfig';
import { ManualClock } from '../../../lib/time/ManualClock';
import { TimeWindow } from '../../../lib/windowing/windows/TimeWindow';
import { restoreWindow } from '../../../lib/windowing/windows/restoreWindow';

/**
 * A snapshot taken at a barrier is handed over by reference and written later, after the
 * records behind the barrier were processed (SubtaskCheckpointCoordinator). Whatever happens to
 * the state in between, the snapshot must read as it did at the barrier: Flink's
 * CopyOnWriteStateMap copies what a snapshot holds before the first write to it.
 */

type Snapshot = ReturnType<HeapKeyedStateBackend<string>['snapshot']>;

function setup() {
  const backend = new HeapKeyedStateBackend<string>({ start: 0, end: 127 }, 128, new ManualClock(0), 'test');
  return { backend };
}

/** What a snapshot holds for `key` in state `name`, namespace by namespace, as a checkpoint file would. */
function written(snapshot: Snapshot, name: string, key: string): unknown[] {
  const cloned = structuredClone(snapshot);
  for (const states of cloned.values()) {
    const map = states[name] as KeyGroupStateMap<string, unknown, unknown> | undefined;
    for (const row of map?.values() ?? []) if (row.key === key) return row.entries.map((e) => e.value);
  }
  return [];
}

/** A reduce function that changes its first argument and returns it (allowed in Flink). */
const addInto = (a: { n: number }, b: { n: number }): { n: number } => {
  a.n += b.n;
  return a;
};

describe('a snapshot is isolated from writes after its barrier (copy-on-write)', () => {
  it('ValueState: update, a new key and clear after the barrier leave the snapshot as it was', () => {
    const { backend } = setup();
    const s = backend.getPartitionedState(new ValueStateDescriptor<{ n: number }>('v'));
    backend.setCurrentKey('a');
    s.update({ n: 1 });
    backend.setCurrentKey('b');
    s.update({ n: 2 });
    const snapshot = backend.snapshot();
    backend.setCurrentKey('a');
    s.update({ n: 10 });
    backend.setCurrentKey('b');
    s.clear();
    backend.setCurrentKey('c');
    s.update({ n: 30 });
    expect(written(snapshot, 'v', 'a')).toEqual([{ n: 1 }]);
    expect(written(snapshot, 'v', 'b')).toEqual([{ n: 2 }]);
    expect(written(snapshot, 'v', 'c')).toEqual([]);
    backend.setCurrentKey('a');
    expect(s.value()).toEqual({ n: 10 });
  });

  it('ListState: add after the barrier does not reach the snapshot', () => {
    const { backend } = setup();
    const s = backend.getPartitionedState(new ListStateDescriptor<string>('l'));
    backend.setCurrentKey('a');
    s.add('x');
    const snapshot = backend.snapshot();
    s.add('y');
    s.addAll(['z']);
    expect(written(snapshot, 'l', 'a')).toEqual([['x']]);
    expect(s.get()).toEqual(['x', 'y', 'z']);
  });

  it('MapState: put and remove after the barrier do not reach the snapshot', () => {
    const { backend } = setup();
    const s = backend.getPartitionedState(new MapStateDescriptor<string, number>('m'));
    backend.setCurrentKey('a');
    s.put('x', 1);
    s.put('y', 2);
    const snapshot = backend.snapshot();
    s.put('x', 10);
    s.remove('y');
    s.put('z', 3);
    const entries = (written(snapshot, 'm', 'a')[0] as Map<unknown, [string, number]>).values();
    expect([...entries].map(([k, v]) => `${k}=${v}`)).toEqual(['x=1', 'y=2']);
    expect([...s.entries()]).toEqual([
      ['x', 10],
      ['z', 3],
    ]);
  });

  it('ReducingState: add after the barrier does not reach the snapshot', () => {
    const { backend } = setup();
    const s = backend.getPartitionedState(new ReducingStateDescriptor<number>('r', (a, b) => a + b));
    backend.setCurrentKey('a');
    s.add(1);
    s.add(2);
    const snapshot = backend.snapshot();
    s.add(10);
    expect(written(snapshot, 'r', 'a')).toEqual([3]);
    expect(s.get()).toBe(13);
  });

  it('window-like namespaces: a new window of a key after the barrier does not reach the snapshot', () => {
    const { backend } = setup();
    const t = backend.createTable<TimeWindow, number>('w', (v) => v, restoreWindow);
    backend.setCurrentKey('a');
    t.put(new TimeWindow(0, 10), 1);
    const snapshot = backend.snapshot();
    t.put(new TimeWindow(10, 20), 2);
    t.put(new TimeWindow(0, 10), 5);
    expect(written(snapshot, 'w', 'a')).toEqual([1]);
  });
});

describe('a snapshot is isolated from reduce and aggregate functions that change their arguments', () => {
  it('ReducingState: a reduce changing its first argument after the barrier leaves the snapshot at the barrier', () => {
    const { backend } = setup();
    const s = backend.getPartitionedState(new ReducingStateDescriptor<{ n: number }>('r', addInto));
    backend.setCurrentKey('a');
    s.add({ n: 1 });
    s.add({ n: 2 });
    const snapshot = backend.snapshot();
    s.add({ n: 10 });
    expect(written(snapshot, 'r', 'a')).toEqual([{ n: 3 }]);
    expect(s.get()).toEqual({ n: 13 });
    // The next snapshot sees the new value; the first one still the old.
    const next = backend.snapshot();
    s.add({ n: 100 });
    expect(written(next, 'r', 'a')).toEqual([{ n: 13 }]);
    expect(written(snapshot, 'r', 'a')).toEqual([{ n: 3 }]);
  });

  it('ReducingState: such a reduce never changes the value first added, which the caller may still hold', () => {
    const { backend } = setup();
    const s = backend.getPartitionedState(new ReducingStateDescriptor<{ n: number }>('r', addInto));
    backend.setCurrentKey('a');
    const first = { n: 1 };
    s.add(first);
    s.add({ n: 2 });
    expect(first).toEqual({ n: 1 });
    expect(s.get()).toEqual({ n: 3 });
  });

  it('ReducingState with a TTL: such a reduce leaves the snapshot and the first value added as they were', () => {
    const { backend } = setup();
    const s = backend.getPartitionedState(new ReducingStateDescriptor<{ n: number }>('r', addInto).enableTimeToLive(StateTtlConfig.newBuilder(1000).build()));
    backend.setCurrentKey('a');
    const first = { n: 1 };
    s.add(first);
    s.add({ n: 2 });
    const snapshot = backend.snapshot();
    s.add({ n: 10 });
    expect(first).toEqual({ n: 1 });
    expect((written(snapshot, 'r', 'a')[0] as { v: unknown }).v).toEqual({ n: 3 });
    expect(s.get()).toEqual({ n: 13 });
  });

  it('ReducingState: merging namespaces (sessions) with such a reduce leaves the snapshot at the barrier', () => {
    const { backend } = setup();
    const s = backend.getPartitionedState(new ReducingStateDescriptor<{ n: number }>('r', addInto), new TimeWindow(0, 10), restoreWindow);
    backend.setCurrentKey('a');
    s.add({ n: 1 });
    s.setCurrentNamespace(new TimeWindow(20, 30));
    s.add({ n: 2 });
    const snapshot = backend.snapshot();
    (s as unknown as InternalMergingState<TimeWindow>).mergeNamespaces(new TimeWindow(0, 30), [new TimeWindow(0, 10), new TimeWindow(20, 30)]);
    expect(written(snapshot, 'r', 'a')).toEqual([{ n: 1 }, { n: 2 }]);
    s.setCurrentNamespace(new TimeWindow(0, 30));
    expect(s.get()).toEqual({ n: 3 });
  });

  it('AggregatingState: an add changing its accumulator after the barrier leaves the snapshot at the barrier', () => {
    const { backend } = setup();
    const s = backend.getPartitionedState(
      new AggregatingStateDescriptor('g', {
        createAccumulator: () => ({ n: 0 }),
        add: (v: number, acc: { n: number }) => ((acc.n += v), acc),
        getResult: (acc: { n: number }) => acc.n,
        merge: addInto,
      }),
    );
    backend.setCurrentKey('a');
    s.add(1);
    s.add(2);
    const snapshot = backend.snapshot();
    s.add(10);
    expect(written(snapshot, 'g', 'a')).toEqual([{ n: 3 }]);
    expect(s.get()).toBe(13);
  });
});
