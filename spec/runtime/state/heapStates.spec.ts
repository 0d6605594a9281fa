import { InternalMergingState } from '../../../lib/runtime/state/heap/AbstractHeapState';
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

/**
 * The heap state kinds as a window operator uses them: namespaces (windows, here strings)
 * merged when sessions merge, and each kind's TTL behaviour.
 */
function setup() {
  const clock = new ManualClock(0);
  const backend = new HeapKeyedStateBackend<string>({ start: 0, end: 127 }, 128, clock, 'test');
  backend.setCurrentKey('a');
  return { clock, backend };
}

const merging = <N>(s: unknown) => s as InternalMergingState<N>;

const sum = {
  createAccumulator: () => ({ n: 0 }),
  add: (v: number, acc: { n: number }) => ((acc.n += v), acc),
  getResult: (acc: { n: number }) => acc.n,
  merge: (a: { n: number }, b: { n: number }) => ({ n: a.n + b.n }),
};

describe('merging namespaces (session windows)', () => {
  it("ListState: the target's elements first, then each source's in order; the sources are gone", () => {
    const { backend } = setup();
    const s = backend.getPartitionedState(new ListStateDescriptor<string>('l'), 't');
    s.add('t1');
    s.setCurrentNamespace('s1');
    s.addAll(['a', 'b']);
    s.setCurrentNamespace('s2');
    s.add('c');
    merging<string>(s).mergeNamespaces('t', ['s1', 'missing', 's2']);
    for (const gone of ['s1', 's2']) {
      s.setCurrentNamespace(gone);
      expect(s.get()).toEqual([]);
    }
    s.setCurrentNamespace('t');
    expect(s.get()).toEqual(['t1', 'a', 'b', 'c']);
  });

  it('ListState: into an empty target; sources without values leave the target without one', () => {
    const { backend } = setup();
    const s = backend.getPartitionedState(new ListStateDescriptor<string>('l'), 's1');
    s.add('a');
    merging<string>(s).mergeNamespaces('t', ['s1']);
    s.setCurrentNamespace('t');
    expect(s.get()).toEqual(['a']);
    merging<string>(s).mergeNamespaces('u', ['none', 'nothing']);
    const snapshot = backend.snapshot();
    const namespaces = [...snapshot.values()].flatMap((kg) => [...(kg.l?.values() ?? [])].flatMap((r) => r.entries.map((e) => e.namespace)));
    expect(namespaces).toEqual(['t']);
  });

  it('ListState: merging after a snapshot leaves the snapshot as it was', () => {
    const { backend } = setup();
    const s = backend.getPartitionedState(new ListStateDescriptor<string>('l'), 't');
    s.add('t1');
    s.setCurrentNamespace('s1');
    s.add('a');
    const snapshot = structuredClone(backend.snapshot());
    const live = backend.snapshot();
    merging<string>(s).mergeNamespaces('t', ['s1']);
    expect(structuredClone(live)).toEqual(snapshot);
  });

  it('ReducingState: sources reduced in order, then into the target; none leaves no value', () => {
    const { backend } = setup();
    const s = backend.getPartitionedState(new ReducingStateDescriptor<string>('r', (a, b) => `${a}+${b}`), 's1');
    s.add('a');
    s.setCurrentNamespace('s2');
    s.add('b');
    merging<string>(s).mergeNamespaces('t', ['s1', 'missing', 's2']);
    s.setCurrentNamespace('t');
    expect(s.get()).toBe('a+b');
    s.setCurrentNamespace('s3');
    s.add('c');
    merging<string>(s).mergeNamespaces('t', ['s3']);
    s.setCurrentNamespace('t');
    expect(s.get()).toBe('a+b+c');
    for (const gone of ['s1', 's2', 's3']) {
      s.setCurrentNamespace(gone);
      expect(s.get()).toBeUndefined();
    }
    merging<string>(s).mergeNamespaces('u', ['none']);
    s.setCurrentNamespace('u');
    expect(s.get()).toBeUndefined();
  });

  it('AggregatingState: accumulators merged in order, then into the target; none leaves no value', () => {
    const { backend } = setup();
    const order: number[][] = [];
    const s = backend.getPartitionedState(
      new AggregatingStateDescriptor('g', { ...sum, merge: (a: { n: number }, b: { n: number }) => (order.push([a.n, b.n]), { n: a.n + b.n }) }),
      's1',
    );
    s.add(1);
    s.setCurrentNamespace('s2');
    s.add(2);
    merging<string>(s).mergeNamespaces('t', ['s1', 'missing', 's2']);
    s.setCurrentNamespace('t');
    expect(s.get()).toBe(3);
    s.setCurrentNamespace('s3');
    s.add(4);
    merging<string>(s).mergeNamespaces('t', ['s3']);
    s.setCurrentNamespace('t');
    expect(s.get()).toBe(7);
    expect(order).toEqual([
      [1, 2],
      [3, 4],
    ]);
    for (const gone of ['s1', 's2', 's3']) {
      s.setCurrentNamespace(gone);
      expect(s.get()).toBeUndefined();
    }
    merging<string>(s).mergeNamespaces('u', ['none']);
    s.setCurrentNamespace('u');
    expect(s.get()).toBeUndefined();
  });

  it('state with a TTL cannot be merged', () => {
    const { backend } = setup();
    const ttl = StateTtlConfig.newBuilder(100).build();
    const list = backend.getPartitionedState(new ListStateDescriptor<string>('l').enableTimeToLive(ttl), 't');
    const reducing = backend.getPartitionedState(new ReducingStateDescriptor<number>('r', (a, b) => a + b).enableTimeToLive(ttl), 't');
    const aggregating = backend.getPartitionedState(new AggregatingStateDescriptor('g', sum).enableTimeToLive(ttl), 't');
    expect(() => merging<string>(list).mergeNamespaces('t', ['s'])).toThrow(new Error("ListState 'l' has a TTL and cannot be merged"));
    expect(() => merging<string>(reducing).mergeNamespaces('t', ['s'])).toThrow(new Error("ReducingState 'r' has a TTL and cannot be merged"));
    expect(() => merging<string>(aggregating).mergeNamespaces('t', ['s'])).toThrow(new Error("AggregatingState 'g' has a TTL and cannot be merged"));
  });
});

describe('TTL per state kind', () => {
  const onRead = (ms: number) => StateTtlConfig.newBuilder(ms).setUpdateType('OnReadAndWrite').build();
  const returnExpired = (ms: number) => StateTtlConfig.newBuilder(ms).returnExpiredIfNotCleanedUp().build();

  it('ListState: a read refreshes every live element (OnReadAndWrite)', () => {
    const { backend, clock } = setup();
    const s = backend.getPartitionedState(new ListStateDescriptor<string>('l').enableTimeToLive(onRead(100)));
    s.add('a');
    clock.advance(60);
    s.add('b');
    clock.advance(60); // 'a' expired, 'b' read
    expect(s.get()).toEqual(['b']);
    clock.advance(90);
    expect(s.get()).toEqual(['b']);
    clock.advance(100);
    expect(s.get()).toEqual([]);
  });

  it('ListState: expired elements are returned once if not cleaned up, then gone', () => {
    const { backend, clock } = setup();
    const s = backend.getPartitionedState(new ListStateDescriptor<string>('l').enableTimeToLive(returnExpired(100)));
    s.add('a');
    clock.advance(60);
    s.add('b');
    clock.advance(40);
    expect(s.get()).toEqual(['a', 'b']);
    expect(s.get()).toEqual(['b']);
    clock.advance(100);
    expect(s.get()).toEqual(['b']);
    expect(s.get()).toEqual([]);
  });

  it('MapState: a read of an entry refreshes it (OnReadAndWrite); an expired one is removed', () => {
    const { backend, clock } = setup();
    const s = backend.getPartitionedState(new MapStateDescriptor<string, number>('m').enableTimeToLive(onRead(100)));
    s.put('read', 1);
    s.put('unread', 2);
    clock.advance(60);
    expect(s.get('read')).toBe(1);
    clock.advance(60);
    expect(s.contains('unread')).toBe(false);
    expect(s.get('read')).toBe(1);
    expect([...s.keys()]).toEqual(['read']);
    clock.advance(100);
    expect(s.get('read')).toBeUndefined();
    expect(s.isEmpty()).toBe(true);
  });

  it('MapState: expired entries are returned once if not cleaned up', () => {
    const { backend, clock } = setup();
    const s = backend.getPartitionedState(new MapStateDescriptor<string, number>('m').enableTimeToLive(returnExpired(100)));
    s.put('a', 1);
    s.put('b', 2);
    clock.advance(100);
    expect(s.get('a')).toBe(1);
    expect(s.get('a')).toBeUndefined();
    expect([...s.values()]).toEqual([2]);
    expect([...s.values()]).toEqual([]);
  });

  it('MapState: removing the last entry removes the key; removing from an empty map does nothing', () => {
    const { backend } = setup();
    const s = backend.getPartitionedState(new MapStateDescriptor<string, number>('m'));
    s.remove('nothing');
    s.put('a', 1);
    s.put('b', 2);
    s.remove('a');
    expect([...s.entries()]).toEqual([['b', 2]]);
    s.remove('b');
    expect(s.isEmpty()).toBe(true);
    expect([...backend.snapshot().values()].filter((kg) => kg.m !== undefined)).toEqual([]);
  });

  it('ValueState and ReducingState: a read refreshes (OnReadAndWrite), an expired value is returned once if not cleaned up', () => {
    const { backend, clock } = setup();
    const v = backend.getPartitionedState(new ValueStateDescriptor<string>('v').enableTimeToLive(onRead(100)));
    const r = backend.getPartitionedState(new ReducingStateDescriptor<number>('r', (a, b) => a + b).enableTimeToLive(onRead(100)));
    const vOnce = backend.getPartitionedState(new ValueStateDescriptor<string>('v1').enableTimeToLive(returnExpired(100)));
    const rOnce = backend.getPartitionedState(new ReducingStateDescriptor<number>('r1', (a, b) => a + b).enableTimeToLive(returnExpired(100)));
    v.update('x');
    r.add(1);
    vOnce.update('y');
    rOnce.add(2);
    for (let i = 0; i < 3; i++) {
      clock.advance(90);
      expect(v.value()).toBe('x');
      expect(r.get()).toBe(1);
    }
    expect(vOnce.value()).toBe('y');
    expect(rOnce.get()).toBe(2);
    expect(vOnce.value()).toBeUndefined();
    expect(rOnce.get()).toBeUndefined();
    clock.advance(100);
    expect(v.value()).toBeUndefined();
    expect(r.get()).toBeUndefined();
  });

  it('AggregatingState: a read refreshes (OnReadAndWrite); an expired accumulator is returned once by get, never added to', () => {
    const { backend, clock } = setup();
    const g = backend.getPartitionedState(new AggregatingStateDescriptor('g', sum).enableTimeToLive(onRead(100)));
    g.add(1);
    for (let i = 0; i < 3; i++) {
      clock.advance(90);
      expect(g.get()).toBe(1);
    }
    const once = backend.getPartitionedState(new AggregatingStateDescriptor('g1', sum).enableTimeToLive(returnExpired(100)));
    once.add(5);
    clock.advance(100);
    expect(once.get()).toBe(5);
    expect(once.get()).toBeUndefined();
    once.add(7);
    clock.advance(100);
    once.add(1); // expired: starts afresh, not from 7
    expect(once.get()).toBe(1);
  });
});
