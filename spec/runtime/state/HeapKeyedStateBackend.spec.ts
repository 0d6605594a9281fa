import { HeapKeyedStateBackend } from '../../../lib/runtime/state/HeapKeyedStateBackend';
import { restorePrimitiveNamespace } from '../../../lib/runtime/state/Namespace';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../../../lib/core/state/StateDescriptor';
import { StateTtlConfig } from '../../../lib/core/state/StateTtlConfig';
import { ManualClock } from '../../../lib/time/ManualClock';
import { assignToKeyGroup } from '../../../lib/partitioners/keyGroups';

type Snapshot = ReturnType<HeapKeyedStateBackend<string>['snapshot']>;

const backend = (start: number, end: number, clock = new ManualClock(0)) => new HeapKeyedStateBackend<string>({ start, end }, 128, clock, 'op');

/** A key whose key group (of 128) is `group`. */
function keyInGroup(group: number): string {
  for (let i = 0; ; i++) if (assignToKeyGroup(`k${i}`, 128) === group) return `k${i}`;
}

/** Another key in `key`'s key group (of 128). */
function otherKeyInGroupOf(key: string): string {
  return keyInGroup(assignToKeyGroup(key, 128));
}

/** The value each key has in state `name` of a snapshot, as a checkpoint would write it. */
function valuesIn(snapshot: Snapshot, name: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const states of structuredClone(snapshot).values()) {
    for (const row of states[name]?.values() ?? []) out[row.key as string] = row.entries.map((e) => e.value);
  }
  return out;
}

describe('HeapKeyedStateBackend: key groups', () => {
  it('refuses a key outside its key groups, on either side, naming the key, its group and the range', () => {
    const b = backend(32, 95);
    for (const group of [31, 96]) {
      const key = keyInGroup(group);
      expect(() => b.setCurrentKey(key)).toThrow(
        new Error(
          `op: key "${key}" is in key group ${group}, outside this subtask's key groups [32, 95]; keyed state needs a keyBy() right before this operator`,
        ),
      );
    }
    for (const group of [32, 95]) {
      b.setCurrentKey(keyInGroup(group));
      expect(b.getCurrentKey()).toBe(keyInGroup(group));
    }
  });

  it('snapshots by key group number and restores into other ranges on rescale (parallelism 2 to 3)', () => {
    const clock = new ManualClock(0);
    const old = [backend(0, 63, clock), backend(64, 127, clock)];
    const keys = Array.from({ length: 40 }, (_, i) => `key${i}`);
    const snapshots = old.map((b) => {
      const s = b.getPartitionedState(new ValueStateDescriptor<number>('count'));
      keys.forEach((k, i) => {
        if (b.keyGroupOf(k) < b.keyGroupRange.start || b.keyGroupOf(k) > b.keyGroupRange.end) return;
        b.setCurrentKey(k);
        s.update(i);
      });
      return b.snapshot();
    });
    expect([...snapshots[1].keys()].every((kg) => kg >= 64 && kg <= 127)).toBe(true);
    const all = new Map([...snapshots[0], ...snapshots[1]]);
    const ranges: Array<[number, number]> = [
      [0, 42],
      [43, 85],
      [86, 127],
    ];
    let restoredKeys = 0;
    for (const [start, end] of ranges) {
      const b = backend(start, end, clock);
      b.restore(structuredClone(all));
      // Restored state nobody asked for yet is carried into the next snapshot, for its own key groups only.
      const carried = b.snapshot();
      expect([...carried.keys()].every((kg) => kg >= start && kg <= end)).toBe(true);
      const s = b.getPartitionedState(new ValueStateDescriptor<number>('count'));
      for (const [i, k] of keys.entries()) {
        const group = assignToKeyGroup(k, 128);
        if (group < start || group > end) continue;
        b.setCurrentKey(k);
        expect(s.value()).toBe(i);
        restoredKeys++;
      }
      expect(Object.keys(valuesIn(b.snapshot(), 'count')).sort()).toEqual(Object.keys(valuesIn(carried, 'count')).sort());
    }
    expect(restoredKeys).toBe(keys.length);
  });

  it('restores the first and the last key group of its range, and none outside it', () => {
    const full = backend(0, 127);
    const s = full.getPartitionedState(new ValueStateDescriptor<string>('v'));
    for (const group of [9, 10, 20, 21]) {
      full.setCurrentKey(keyInGroup(group));
      s.update(`g${group}`);
    }
    const b = backend(10, 20);
    b.restore(full.snapshot());
    expect(valuesIn(b.snapshot(), 'v')).toEqual({ [keyInGroup(10)]: ['g10'], [keyInGroup(20)]: ['g20'] });
  });

  it('keeps restored state of a name not asked for yet in every snapshot, next to live state of the same key group', () => {
    const y = otherKeyInGroupOf('x');
    const old = backend(0, 127);
    const a = old.getPartitionedState(new ValueStateDescriptor<number>('a'));
    const other = old.getPartitionedState(new ValueStateDescriptor<number>('other'));
    old.setCurrentKey('x');
    a.update(1);
    old.setCurrentKey(y);
    other.update(2);
    const b = backend(0, 127);
    b.restore(structuredClone(old.snapshot()));
    const a2 = b.getPartitionedState(new ValueStateDescriptor<number>('a'));
    b.setCurrentKey('x');
    a2.update(10);
    expect(valuesIn(b.snapshot(), 'a')).toEqual({ x: [10] });
    expect(valuesIn(b.snapshot(), 'other')).toEqual({ [y]: [2] });
    const other2 = b.getPartitionedState(new ValueStateDescriptor<number>('other'));
    b.setCurrentKey(y);
    expect(other2.value()).toBe(2);
  });
});

describe('HeapKeyedStateBackend: registering state', () => {
  it('a table is created once per name; a name taken by another kind of state is refused, both ways', () => {
    const b = backend(0, 127);
    const t = b.createTable<null, number>('window-contents', (v) => v, restorePrimitiveNamespace);
    b.setCurrentKey('a');
    t.put(null, 1);
    const again = b.createTable<null, number>('window-contents', (v) => v, restorePrimitiveNamespace);
    expect(again.get(null)).toBe(1);
    b.getPartitionedState(new ValueStateDescriptor<number>('count'));
    expect(() => b.createTable<null, number>('count', (v) => v, restorePrimitiveNamespace)).toThrow(
      new Error("op: state 'count' is already registered as value state"),
    );
    expect(() => b.getPartitionedState(new ListStateDescriptor<number>('window-contents'))).toThrow(
      new Error("op: state 'window-contents' was registered as table state, now asked for as list"),
    );
  });

  it('asking for a state again moves it to the namespace asked for', () => {
    const b = backend(0, 127);
    const d = new ValueStateDescriptor<string>('v');
    const s = b.getPartitionedState(d, 'one');
    b.setCurrentKey('a');
    s.update('in one');
    expect(b.getPartitionedState(d, 'two')).toBe(s);
    expect(s.value()).toBeUndefined();
    s.update('in two');
    b.getPartitionedState(d, 'one');
    expect(s.value()).toBe('in one');
  });

  it('applyToAllKeys works before any key was set (a broadcast element) and leaves no key set', () => {
    const b = backend(0, 127);
    const seen: string[] = [];
    b.applyToAllKeys('v', null, (k) => seen.push(k));
    b.getPartitionedState(new ValueStateDescriptor<number>('v'));
    b.applyToAllKeys('v', null, (k) => seen.push(k));
    expect(seen).toEqual([]);
    expect(b.getCurrentKey()).toBeUndefined();
  });
});

describe('HeapKeyedStateBackend: TTL in snapshots (cleanupFullSnapshot)', () => {
  const full = (ms: number) => StateTtlConfig.newBuilder(ms).cleanupFullSnapshot().build();

  it('list elements and map entries are written without their expired parts; the live state keeps them until read', () => {
    const clock = new ManualClock(0);
    const b = backend(0, 127, clock);
    const list = b.getPartitionedState(new ListStateDescriptor<string>('l').enableTimeToLive(full(100)));
    const map = b.getPartitionedState(new MapStateDescriptor<string, number>('m').enableTimeToLive(full(100)));
    b.setCurrentKey('partly');
    list.add('old');
    map.put('old', 1);
    b.setCurrentKey('all');
    list.add('old');
    map.put('old', 1);
    b.setCurrentKey('none');
    clock.advance(50);
    list.add('new');
    map.put('new', 2);
    b.setCurrentKey('partly');
    list.add('new');
    map.put('new', 2);
    b.setCurrentKey('all');
    clock.advance(50);
    const snapshot = b.snapshot();
    const lists = valuesIn(snapshot, 'l') as Record<string, Array<Array<{ v: string }>>>;
    expect(Object.fromEntries(Object.entries(lists).map(([k, [l]]) => [k, l.map((e) => e.v)]))).toEqual({ partly: ['new'], none: ['new'] });
    const maps = valuesIn(snapshot, 'm') as Record<string, Array<Map<unknown, [string, number, number]>>>;
    expect(Object.fromEntries(Object.entries(maps).map(([k, [m]]) => [k, [...m.values()].map((e) => e[0])]))).toEqual({ partly: ['new'], none: ['new'] });
  });

  it('a key keeps its live namespaces in the snapshot when others expired', () => {
    const clock = new ManualClock(0);
    const b = backend(0, 127, clock);
    const s = b.getPartitionedState(new ValueStateDescriptor<string>('v').enableTimeToLive(full(100)), 'early');
    b.setCurrentKey('a');
    s.update('x');
    clock.advance(50);
    s.setCurrentNamespace('late');
    s.update('y');
    clock.advance(50);
    const written = valuesIn(b.snapshot(), 'v') as Record<string, Array<{ v: string }>>;
    expect(written.a.map((e) => e.v)).toEqual(['y']);
  });
});

describe('HeapKeyedStateBackend: a snapshot is isolated from state with a TTL changed in place', () => {
  const ttl = StateTtlConfig.newBuilder(1000).build();

  it('ValueState, ReducingState and AggregatingState with a TTL', () => {
    const b = backend(0, 127);
    const value = b.getPartitionedState(new ValueStateDescriptor<{ n: number }>('value').enableTimeToLive(ttl));
    const reducing = b.getPartitionedState(new ReducingStateDescriptor<{ n: number }>('reducing', (a, x) => ((a.n += x.n), a)).enableTimeToLive(ttl));
    const aggregating = b.getPartitionedState(
      new AggregatingStateDescriptor('aggregating', {
        createAccumulator: () => ({ n: 0 }),
        add: (v: number, acc: { n: number }) => ((acc.n += v), acc),
        getResult: (acc: { n: number }) => acc.n,
        merge: (a: { n: number }, x: { n: number }) => ({ n: a.n + x.n }),
      }).enableTimeToLive(ttl),
    );
    b.setCurrentKey('a');
    value.update({ n: 1 });
    reducing.add({ n: 1 });
    aggregating.add(1);
    const snapshot = b.snapshot();
    value.value()!.n = 99;
    reducing.add({ n: 10 });
    aggregating.add(10);
    const inner = (name: string) => (valuesIn(snapshot, name).a as Array<{ v: unknown }>).map((e) => e.v);
    expect(inner('value')).toEqual([{ n: 1 }]);
    expect(inner('reducing')).toEqual([{ n: 1 }]);
    expect(inner('aggregating')).toEqual([{ n: 1 }]);
    expect(value.value()).toEqual({ n: 99 });
    expect(reducing.get()).toEqual({ n: 11 });
    expect(aggregating.get()).toBe(11);
  });
});
