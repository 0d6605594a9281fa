import { HeapKeyedStateBackend } from '../../../lib/runtime/state/HeapKeyedStateBackend';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../../../lib/core/state/StateDescriptor';
import { StateTtlConfig } from '../../../lib/core/state/StateTtlConfig';
import { ManualClock } from '../../../lib/time/ManualClock';

function setup() {
  const clock = new ManualClock(1000);
  const backend = new HeapKeyedStateBackend<string>({ start: 0, end: 127 }, 128, clock, 'test');
  return { clock, backend };
}

const avg = {
  createAccumulator: () => ({ sum: 0, n: 0 }),
  add: (v: number, acc: { sum: number; n: number }) => {
    acc.sum += v; // changed in place, as Flink users often do
    acc.n++;
    return acc;
  },
  getResult: (acc: { sum: number; n: number }) => acc.sum / acc.n,
  merge: (a: { sum: number; n: number }, b: { sum: number; n: number }) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
};

describe('keyed state types', () => {
  it('ValueState: per key, default value, update(null) clears', () => {
    const { backend } = setup();
    const s = backend.getPartitionedState(new ValueStateDescriptor<number>('count', 0));
    backend.setCurrentKey('a');
    expect(s.value()).toBe(0);
    s.update(5);
    backend.setCurrentKey('b');
    expect(s.value()).toBe(0);
    s.update(7);
    backend.setCurrentKey('a');
    expect(s.value()).toBe(5);
    s.update(null as unknown as number);
    expect(s.value()).toBe(0);
  });

  it('ListState: add, addAll, update, get, clear', () => {
    const { backend } = setup();
    const s = backend.getPartitionedState(new ListStateDescriptor<string>('list'));
    backend.setCurrentKey('a');
    expect(s.get()).toEqual([]);
    s.add('x');
    s.addAll(['y', 'z']);
    expect(s.get()).toEqual(['x', 'y', 'z']);
    s.update(['q']);
    expect(s.get()).toEqual(['q']);
    expect(() => s.add(null as unknown as string)).toThrow(/cannot add null/);
    s.clear();
    expect(s.get()).toEqual([]);
  });

  it('MapState: user keys compared by value, iteration, remove', () => {
    const { backend } = setup();
    const s = backend.getPartitionedState(new MapStateDescriptor<[string, number], number>('map'));
    backend.setCurrentKey('a');
    expect(s.isEmpty()).toBe(true);
    s.put(['x', 1], 10);
    s.put(['x', 1], 11);
    s.putAll([[['y', 2], 20]]);
    expect(s.get(['x', 1])).toBe(11);
    expect(s.contains(['y', 2])).toBe(true);
    expect([...s.entries()]).toEqual([
      [['x', 1], 11],
      [['y', 2], 20],
    ]);
    s.remove(['x', 1]);
    expect([...s.keys()]).toEqual([['y', 2]]);
    expect([...s.values()]).toEqual([20]);
    backend.setCurrentKey('b');
    expect(s.isEmpty()).toBe(true);
  });

  it('ReducingState and AggregatingState fold what is added', () => {
    const { backend } = setup();
    const r = backend.getPartitionedState(new ReducingStateDescriptor<number>('sum', (a, b) => a + b));
    const g = backend.getPartitionedState(new AggregatingStateDescriptor('avg', avg));
    backend.setCurrentKey('a');
    expect(r.get()).toBeUndefined();
    [1, 2, 3].forEach((v) => (r.add(v), g.add(v)));
    expect(r.get()).toBe(6);
    expect(g.get()).toBe(2);
    r.clear();
    expect(r.get()).toBeUndefined();
  });

  it('a snapshot is isolated from accumulators and values changed in place afterwards', () => {
    const { backend } = setup();
    const g = backend.getPartitionedState(new AggregatingStateDescriptor('avg', avg));
    const v = backend.getPartitionedState(new ValueStateDescriptor<{ n: number }>('obj'));
    backend.setCurrentKey('a');
    g.add(10);
    v.update({ n: 1 });
    const snap = backend.snapshot();
    const frozen = structuredClone(snap);
    g.add(20);
    const obj = v.value()!;
    obj.n = 99; // mutate, then update: the Flink pattern
    v.update(obj);
    expect(snap).toEqual(frozen);
    expect(g.get()).toBe(15);
    expect(v.value()).toEqual({ n: 99 });
  });

  it('registering one name as two kinds of state is an error', () => {
    const { backend } = setup();
    backend.getPartitionedState(new ValueStateDescriptor<number>('x'));
    expect(() => backend.getPartitionedState(new ListStateDescriptor<number>('x'))).toThrow(/registered as value state/);
  });
});

describe('state TTL (on the clock)', () => {
  const ttl = (b: ReturnType<typeof StateTtlConfig.newBuilder>) => b.build();

  it('expires a value ttl ms after its last write; reads do not refresh by default', () => {
    const { backend, clock } = setup();
    const d = new ValueStateDescriptor<string>('v').enableTimeToLive(ttl(StateTtlConfig.newBuilder(100)));
    const s = backend.getPartitionedState(d);
    backend.setCurrentKey('a');
    s.update('x');
    clock.advance(60);
    expect(s.value()).toBe('x');
    clock.advance(39);
    expect(s.value()).toBe('x');
    clock.advance(1); // lastWrite + ttl <= now
    expect(s.value()).toBeUndefined();
  });

  it('OnReadAndWrite refreshes the timestamp on every read', () => {
    const { backend, clock } = setup();
    const d = new ValueStateDescriptor<string>('v').enableTimeToLive(ttl(StateTtlConfig.newBuilder(100).setUpdateType('OnReadAndWrite')));
    const s = backend.getPartitionedState(d);
    backend.setCurrentKey('a');
    s.update('x');
    for (let i = 0; i < 5; i++) {
      clock.advance(80);
      expect(s.value()).toBe('x');
    }
    clock.advance(100);
    expect(s.value()).toBeUndefined();
  });

  it('ReturnExpiredIfNotCleanedUp returns an expired value once, then it is gone', () => {
    const { backend, clock } = setup();
    const d = new ValueStateDescriptor<string>('v').enableTimeToLive(ttl(StateTtlConfig.newBuilder(100).returnExpiredIfNotCleanedUp()));
    const s = backend.getPartitionedState(d);
    backend.setCurrentKey('a');
    s.update('x');
    clock.advance(500);
    expect(s.value()).toBe('x');
    expect(s.value()).toBeUndefined();
  });

  it('list elements and map entries expire one by one', () => {
    const { backend, clock } = setup();
    const list = backend.getPartitionedState(new ListStateDescriptor<number>('l').enableTimeToLive(ttl(StateTtlConfig.newBuilder(100))));
    const map = backend.getPartitionedState(new MapStateDescriptor<string, number>('m').enableTimeToLive(ttl(StateTtlConfig.newBuilder(100))));
    backend.setCurrentKey('a');
    list.add(1);
    map.put('old', 1);
    clock.advance(50);
    list.add(2);
    map.put('new', 2);
    clock.advance(50);
    expect(list.get()).toEqual([2]);
    expect([...map.entries()]).toEqual([['new', 2]]);
    expect(map.get('old')).toBeUndefined();
    clock.advance(50);
    expect(list.get()).toEqual([]);
    expect(map.isEmpty()).toBe(true);
  });

  it('reducing and aggregating state expire as a whole', () => {
    const { backend, clock } = setup();
    const r = backend.getPartitionedState(new ReducingStateDescriptor<number>('r', (a, b) => a + b).enableTimeToLive(ttl(StateTtlConfig.newBuilder(100))));
    const g = backend.getPartitionedState(new AggregatingStateDescriptor('g', avg).enableTimeToLive(ttl(StateTtlConfig.newBuilder(100))));
    backend.setCurrentKey('a');
    r.add(1);
    g.add(4);
    clock.advance(99);
    r.add(1); // a write refreshes
    g.add(6);
    clock.advance(99);
    expect(r.get()).toBe(2);
    expect(g.get()).toBe(5);
    clock.advance(1);
    expect(r.get()).toBeUndefined();
    expect(g.get()).toBeUndefined();
    g.add(1);
    expect(g.get()).toBe(1);
  });

  it('cleanupIncrementally sweeps expired values of other keys a few keys per access', () => {
    const { backend, clock } = setup();
    const s = backend.getPartitionedState(
      new ValueStateDescriptor<number>('v').enableTimeToLive(StateTtlConfig.newBuilder(100).cleanupIncrementally(3).build()),
    );
    const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
    for (const k of keys) {
      backend.setCurrentKey(k);
      s.update(1);
    }
    const stored = () => [...backend.snapshot().values()].reduce((n, kg) => n + (kg.v ? kg.v.size : 0), 0);
    expect(stored()).toBe(30);
    clock.advance(100);
    backend.setCurrentKey('fresh');
    s.update(2); // each access checks 3 keys
    for (let i = 0; i < 12; i++) s.value();
    expect(stored()).toBe(1); // every expired key was swept without being read; 'fresh' stays
    expect(s.value()).toBe(2);
  });

  it('cleanupFullSnapshot leaves expired values out of checkpoints', () => {
    const { backend, clock } = setup();
    const full = backend.getPartitionedState(
      new ValueStateDescriptor<string>('full').enableTimeToLive(StateTtlConfig.newBuilder(100).cleanupFullSnapshot().build()),
    );
    const lazy = backend.getPartitionedState(new ValueStateDescriptor<string>('lazy').enableTimeToLive(StateTtlConfig.newBuilder(100).build()));
    backend.setCurrentKey('a');
    full.update('x');
    lazy.update('x');
    clock.advance(100);
    const states = [...backend.snapshot().values()].flatMap((s) => Object.keys(s));
    expect(states).toEqual(['lazy']);
  });
});

describe('incremental TTL cleanup (cleanupIncrementally)', () => {
  /** One key group, so that the order keys are visited in does not depend on their hashes. */
  function oneGroup() {
    const clock = new ManualClock(0);
    return { clock, backend: new HeapKeyedStateBackend<string>({ start: 0, end: 0 }, 1, clock, 'test') };
  }
  const stored = (backend: HeapKeyedStateBackend<string>, name: string): number =>
    [...backend.snapshot().values()].reduce((n, kg) => n + (kg[name]?.size ?? 0), 0);

  it('checks as many keys per state access as configured, no more', () => {
    const { backend, clock } = oneGroup();
    const s = backend.getPartitionedState(
      new ValueStateDescriptor<number>('v').enableTimeToLive(StateTtlConfig.newBuilder(100).cleanupIncrementally(3).build()),
    );
    for (let i = 0; i < 10; i++) {
      backend.setCurrentKey(`k${i}`);
      s.update(i);
    }
    clock.advance(100);
    backend.setCurrentKey('other');
    s.value();
    expect(stored(backend, 'v')).toBe(7);
    s.value();
    expect(stored(backend, 'v')).toBe(4);
  });

  it('passes over a key removed after the cleanup listed it', () => {
    const { backend, clock } = oneGroup();
    const s = backend.getPartitionedState(
      new ValueStateDescriptor<number>('v').enableTimeToLive(StateTtlConfig.newBuilder(100).cleanupIncrementally(1).build()),
    );
    const keys = ['a', 'b', 'c', 'd'];
    for (const k of keys) {
      backend.setCurrentKey(k);
      s.update(1);
    }
    s.value(); // lists the group's keys and checks one
    for (const k of keys) {
      backend.setCurrentKey(k);
      s.clear();
    }
    clock.advance(10);
    backend.setCurrentKey('e');
    s.update(5);
    expect(s.value()).toBe(5);
  });

  it("keeps a list's live elements when its expired ones are cleaned up", () => {
    const { backend, clock } = oneGroup();
    const l = backend.getPartitionedState(
      new ListStateDescriptor<string>('l').enableTimeToLive(StateTtlConfig.newBuilder(100).cleanupIncrementally(10).build()),
    );
    backend.setCurrentKey('a');
    l.add('old');
    clock.advance(50);
    l.add('new');
    clock.advance(50);
    backend.setCurrentKey('b');
    l.get(); // cleans up 'a'
    const rows = [...backend.snapshot().get(0)!.l.values()];
    expect(rows.map((r) => [r.key, (r.entries[0].value as Array<{ v: string }>).map((e) => e.v)])).toEqual([['a', ['new']]]);
  });

  it("removes an expired namespace of a key and keeps the key's other namespaces", () => {
    const { backend, clock } = oneGroup();
    const s = backend.getPartitionedState(
      new ValueStateDescriptor<string>('v').enableTimeToLive(StateTtlConfig.newBuilder(100).cleanupIncrementally(10).build()),
      'first',
    );
    backend.setCurrentKey('a');
    s.update('x');
    clock.advance(50);
    s.setCurrentNamespace('second');
    s.update('y');
    clock.advance(50);
    backend.setCurrentKey('b');
    s.value(); // cleans up 'a'
    const rows = [...backend.snapshot().get(0)!.v.values()];
    expect(rows.map((r) => [r.key, r.entries.map((e) => [e.namespace, (e.value as { v: string }).v])])).toEqual([['a', [['second', 'y']]]]);
  });

  it('a live value the cleanup looked at stays shared with the snapshot: a later add does not reach the snapshot', () => {
    const { backend, clock } = oneGroup();
    const l = backend.getPartitionedState(
      new ListStateDescriptor<string>('l').enableTimeToLive(StateTtlConfig.newBuilder(100).cleanupIncrementally(10).build()),
    );
    backend.setCurrentKey('a');
    l.add('x');
    const snapshot = backend.snapshot();
    clock.advance(10);
    l.add('y'); // the access cleans up first: 'a' is live
    const written = structuredClone([...snapshot.get(0)!.l.values()]);
    expect(written.map((r) => (r.entries[0].value as Array<{ v: string }>).map((e) => e.v))).toEqual([['x']]);
    expect(l.get()).toEqual(['x', 'y']);
  });
});
