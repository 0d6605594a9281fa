import { HeapKeyedStateBackend } from '../../../lib/runtime/state/HeapKeyedStateBackend';
import { InternalMergingState } from '../../../lib/runtime/state/heap/AbstractHeapState';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../../../lib/core/state/StateDescriptor';
import { StateTtlConfig } from '../../../lib/core/state/StateTtlConfig';
import { ManualClock } from '../../../lib/time/ManualClock';

/** What a checkpoint of the backend would hold: state name → key → namespaces with a value. */
function stored(backend: HeapKeyedStateBackend<string>): Record<string, Record<string, unknown[]>> {
  const out: Record<string, Record<string, unknown[]>> = {};
  for (const states of structuredClone(backend.snapshot()).values()) {
    for (const [name, map] of Object.entries(states)) {
      for (const row of map.values()) (out[name] ??= {})[row.key as string] = row.entries.map((e) => e.namespace);
    }
  }
  return out;
}

function setup() {
  const clock = new ManualClock(0);
  const backend = new HeapKeyedStateBackend<string>({ start: 0, end: 127 }, 128, clock, 'test');
  backend.setCurrentKey('a');
  return { clock, backend };
}

const merging = (s: unknown) => s as InternalMergingState<string>;

describe('heap states leave nothing behind that a checkpoint would carry', () => {
  it('ValueState.update(undefined) clears, as update(null) does', () => {
    const { backend } = setup();
    const s = backend.getPartitionedState(new ValueStateDescriptor<number>('v'));
    s.update(1);
    s.update(undefined as unknown as number);
    expect(stored(backend)).toEqual({});
  });

  it('merging sources without values into a target without one stores nothing (reducing, aggregating)', () => {
    const { backend } = setup();
    const r = backend.getPartitionedState(new ReducingStateDescriptor<number>('r', (a, b) => a + b), 't');
    const g = backend.getPartitionedState(
      new AggregatingStateDescriptor('g', {
        createAccumulator: () => 0,
        add: (v: number, acc: number) => acc + v,
        getResult: (acc: number) => acc,
        merge: (a: number, b: number) => a + b,
      }),
      't',
    );
    merging(r).mergeNamespaces('t', ['s1', 's2']);
    merging(g).mergeNamespaces('t', ['s1', 's2']);
    expect(stored(backend)).toEqual({});
  });

  it('a TTL list whose elements all expired is removed when read', () => {
    const { backend, clock } = setup();
    const l = backend.getPartitionedState(new ListStateDescriptor<string>('l').enableTimeToLive(StateTtlConfig.newBuilder(100).build()));
    l.add('x');
    clock.advance(100);
    expect(l.get()).toEqual([]);
    expect(stored(backend)).toEqual({});
  });
});

describe('heap state edge cases', () => {
  it('ListState refuses undefined as it refuses null', () => {
    const { backend } = setup();
    const l = backend.getPartitionedState(new ListStateDescriptor<string>('l'));
    expect(() => l.add(undefined as unknown as string)).toThrow(new TypeError("ListState 'l': you cannot add null to a ListState"));
    expect(l.get()).toEqual([]);
  });

  it('ListState: a source merged into an empty target after a snapshot leaves the snapshot as it was', () => {
    const { backend } = setup();
    const l = backend.getPartitionedState(new ListStateDescriptor<string>('l'), 's1');
    l.add('a');
    const snapshot = backend.snapshot();
    const before = structuredClone(snapshot);
    merging(l).mergeNamespaces('t', ['s1']);
    l.setCurrentNamespace('t');
    l.add('b');
    expect(structuredClone(snapshot)).toEqual(before);
    expect(l.get()).toEqual(['a', 'b']);
  });

  it('MapState: reads of a key without a map, isEmpty of a map with entries', () => {
    const { backend } = setup();
    const m = backend.getPartitionedState(new MapStateDescriptor<string, number>('m'));
    expect(m.get('x')).toBeUndefined();
    expect(m.contains('x')).toBe(false);
    m.put('x', 1);
    expect(m.isEmpty()).toBe(false);
  });

  it('MapState with a TTL: iterating removes the expired entries only', () => {
    const { backend, clock } = setup();
    const m = backend.getPartitionedState(new MapStateDescriptor<string, number>('m').enableTimeToLive(StateTtlConfig.newBuilder(100).build()));
    m.put('old', 1);
    clock.advance(50);
    m.put('new', 2);
    clock.advance(50);
    expect([...m.entries()]).toEqual([['new', 2]]);
    expect(m.get('new')).toBe(2);
    expect([...m.keys()]).toEqual(['new']);
  });
});
