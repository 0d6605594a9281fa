import { HeapKeyedStateBackend } from '../../../lib/runtime/state/HeapKeyedStateBackend';
import { restorePrimitiveNamespace, VOID_NAMESPACE } from '../../../lib/runtime/state/Namespace';
import { ManualClock } from '../../../lib/time/ManualClock';
import { TimeWindow } from '../../../lib/windowing/windows/TimeWindow';
import { restoreWindow } from '../../../lib/windowing/windows/restoreWindow';
import { assignToKeyGroup } from '../../../lib/partitioners/keyGroups';

const backend = (start = 0, end = 127) => new HeapKeyedStateBackend<string>({ start, end }, 128, new ManualClock(0), 'test');

describe('StateTable (copy-on-write per key group)', () => {
  it('keeps values per key and namespace, namespaces compared by value', () => {
    const b = backend();
    const t = b.createTable<TimeWindow, number>('sum', (v) => v, restoreWindow);
    b.setCurrentKey('a');
    t.put(new TimeWindow(0, 10), 1);
    t.put(new TimeWindow(10, 20), 2);
    b.setCurrentKey('b');
    t.put(new TimeWindow(0, 10), 3);
    b.setCurrentKey('a');
    expect(t.get(new TimeWindow(0, 10))).toBe(1);
    expect(t.get(new TimeWindow(10, 20))).toBe(2);
    t.remove(new TimeWindow(0, 10));
    expect(t.get(new TimeWindow(0, 10))).toBeUndefined();
    expect(t.namespaces()).toEqual([new TimeWindow(10, 20)]);
    expect(t.size()).toBe(2);
  });

  it('a snapshot keeps what was there at the barrier while writes go on', () => {
    const b = backend();
    const t = b.createTable<null, number[]>('list', (v) => v.slice(), restorePrimitiveNamespace);
    b.setCurrentKey('a');
    t.put(VOID_NAMESPACE, [1]);
    b.setCurrentKey('b');
    t.put(VOID_NAMESPACE, [7]);
    const snap = b.snapshot();
    const kgA = assignToKeyGroup('a', 128);
    const before = structuredClone(snap);
    // In-place change after the snapshot must go to a copy.
    b.setCurrentKey('a');
    t.getForUpdate(VOID_NAMESPACE)!.push(2);
    t.put(VOID_NAMESPACE, t.get(VOID_NAMESPACE)!);
    b.setCurrentKey('b');
    t.remove(VOID_NAMESPACE);
    b.setCurrentKey('c');
    t.put(VOID_NAMESPACE, [9]);
    expect(snap).toEqual(before);
    expect([...snap.get(kgA)!.list.values()][0].entries[0].value).toEqual([1]);
    b.setCurrentKey('a');
    expect(t.get(VOID_NAMESPACE)).toEqual([1, 2]);
    // A second snapshot sees the new state; the first still the old.
    const snap2 = b.snapshot();
    expect([...snap2.get(kgA)!.list.values()][0].entries[0].value).toEqual([1, 2]);
    expect([...snap.get(kgA)!.list.values()][0].entries[0].value).toEqual([1]);
  });

  it('without a snapshot, in-place updates do not copy', () => {
    const b = backend();
    let copies = 0;
    const t = b.createTable<null, number[]>('list', (v) => (copies++, v.slice()), restorePrimitiveNamespace);
    b.setCurrentKey('a');
    t.put(VOID_NAMESPACE, [1]);
    for (let i = 0; i < 5; i++) t.getForUpdate(VOID_NAMESPACE)!.push(i);
    expect(copies).toBe(0);
    b.snapshot();
    t.getForUpdate(VOID_NAMESPACE)!.push(9);
    t.getForUpdate(VOID_NAMESPACE)!.push(10);
    expect(copies).toBe(1);
  });

  it("transform: a value that is the caller's element is borrowed, copied before its first change only", () => {
    const b = backend();
    let copies = 0;
    const t = b.createTable<null, { n: number }>('reduce', (v) => (copies++, { ...v }), restorePrimitiveNamespace);
    const addInto = (acc: { n: number } | undefined, v: { n: number }) => (acc === undefined ? v : ((acc.n += v.n), acc));
    const first = { n: 1 };
    b.setCurrentKey('a');
    t.transform(VOID_NAMESPACE, first, addInto);
    expect(copies).toBe(0); // one element: nothing copied
    t.transform(VOID_NAMESPACE, { n: 2 }, addInto);
    t.transform(VOID_NAMESPACE, { n: 4 }, addInto);
    expect(copies).toBe(1);
    expect(first).toEqual({ n: 1 });
    expect(t.get(VOID_NAMESPACE)).toEqual({ n: 7 });
  });

  it('restores only the key groups of the new range, and windows come back as TimeWindows', () => {
    const b = backend();
    const t = b.createTable<TimeWindow, number>('sum', (v) => v, restoreWindow);
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    keys.forEach((k, i) => {
      b.setCurrentKey(k);
      t.put(new TimeWindow(0, 10), i);
    });
    const snap = structuredClone(b.snapshot());
    const lower = new HeapKeyedStateBackend<string>({ start: 0, end: 63 }, 128, new ManualClock(0), 'lower');
    lower.restore(snap);
    const t2 = lower.createTable<TimeWindow, number>('sum', (v) => v, restoreWindow);
    const inLower = keys.filter((k) => assignToKeyGroup(k, 128) <= 63);
    expect(inLower.length).toBeGreaterThan(0);
    expect(inLower.length).toBeLessThan(keys.length);
    for (const k of inLower) {
      lower.setCurrentKey(k);
      expect(t2.get(new TimeWindow(0, 10))).toBe(keys.indexOf(k));
      expect(t2.namespaces()[0]).toBeInstanceOf(TimeWindow);
    }
    expect(t2.size()).toBe(inLower.length);
    const outside = keys.find((k) => assignToKeyGroup(k, 128) > 63)!;
    expect(() => lower.setCurrentKey(outside)).toThrow(/outside this subtask's key groups \[0, 63\]/);
  });

  it('finds a window among many of a key by value, windows with equal hash codes told apart by equals', () => {
    const b = backend();
    const t = b.createTable<TimeWindow, number>('sum', (v) => v, restoreWindow);
    b.setCurrentKey('a');
    // [s, s + 10) for 100 windows, and [s + 1, s + 9): the same start + end, so the same hash code.
    for (let s = 0; s < 1000; s += 10) {
      t.put(new TimeWindow(s, s + 10), s);
      t.put(new TimeWindow(s + 1, s + 9), -s);
    }
    expect(new TimeWindow(0, 10).hashCode()).toBe(new TimeWindow(1, 9).hashCode());
    for (let s = 0; s < 1000; s += 10) {
      expect(t.get(new TimeWindow(s, s + 10))).toBe(s);
      expect(t.get(new TimeWindow(s + 1, s + 9))).toBe(-s);
    }
    expect(t.get(new TimeWindow(5, 15))).toBeUndefined();
    t.transform(new TimeWindow(500, 510), 1, (v, x) => (v ?? 0) + x);
    t.remove(new TimeWindow(501, 509));
    expect(t.get(new TimeWindow(500, 510))).toBe(501);
    expect(t.get(new TimeWindow(501, 509))).toBeUndefined();
    expect(t.size()).toBe(199);
  });
});

/** Another key that falls into `key`'s key group (of 128). */
function otherKeyInGroupOf(key: string): string {
  const group = assignToKeyGroup(key, 128);
  for (let i = 0; ; i++) if (assignToKeyGroup(`k${i}`, 128) === group) return `k${i}`;
}

describe('StateTable: reading, removing and listing keys', () => {
  it('a key without values reads as empty, in a key group nobody wrote or next to another key of its group', () => {
    const b = backend();
    const t = b.createTable<TimeWindow, number>('sum', (v) => v, restoreWindow);
    b.setCurrentKey('a');
    expect(t.get(new TimeWindow(0, 10))).toBeUndefined();
    expect(t.getForUpdate(new TimeWindow(0, 10))).toBeUndefined();
    expect(t.namespaces()).toEqual([]);
    t.remove(new TimeWindow(0, 10));
    t.put(new TimeWindow(0, 10), 1);
    b.setCurrentKey(otherKeyInGroupOf('a'));
    expect(t.get(new TimeWindow(0, 10))).toBeUndefined();
    expect(t.namespaces()).toEqual([]);
    t.remove(new TimeWindow(0, 10));
    b.setCurrentKey('a');
    expect(t.get(new TimeWindow(0, 10))).toBe(1);
  });

  it('a namespace the key does not have is neither found nor removed, and the key keeps its others', () => {
    const b = backend();
    const t = b.createTable<TimeWindow, number[]>('lists', (v) => v.slice(), restoreWindow);
    b.setCurrentKey('a');
    t.put(new TimeWindow(0, 10), [1]);
    expect(t.getForUpdate(new TimeWindow(10, 20))).toBeUndefined();
    t.remove(new TimeWindow(10, 20));
    expect(t.get(new TimeWindow(0, 10))).toEqual([1]);
    expect(t.namespaces()).toEqual([new TimeWindow(0, 10)]);
    expect(t.size()).toBe(1);
  });

  it('a key whose last value was removed is left out of the next snapshot, and so is a key group left empty', () => {
    const b = backend();
    const t = b.createTable<TimeWindow, number>('sum', (v) => v, restoreWindow);
    const neighbour = otherKeyInGroupOf('a');
    const group = assignToKeyGroup('a', 128);
    b.setCurrentKey('a');
    t.put(new TimeWindow(0, 10), 1);
    t.put(new TimeWindow(10, 20), 2);
    b.setCurrentKey(neighbour);
    t.put(new TimeWindow(0, 10), 3);
    b.setCurrentKey('a');
    t.remove(new TimeWindow(0, 10));
    t.remove(new TimeWindow(10, 20));
    const rows = [...(b.snapshot().get(group)?.sum.values() ?? [])];
    expect(rows.map((r) => r.key)).toEqual([neighbour]);
    b.setCurrentKey(neighbour);
    t.remove(new TimeWindow(0, 10));
    expect(b.snapshot().has(group)).toBe(false);
  });

  it('applyToAllKeys visits each key with a value in the namespace, in every key group, as the current key', () => {
    const b = backend();
    const t = b.createTable<string, number>('byName', (v) => v, restorePrimitiveNamespace);
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    keys.forEach((k, i) => {
      b.setCurrentKey(k);
      // 'x' is the key's first namespace or its second.
      if (i % 4 === 0) t.put('x', i);
      t.put('other', -i);
      if (i % 4 === 2) t.put('x', i);
    });
    expect(new Set(keys.map((k) => assignToKeyGroup(k, 128))).size).toBeGreaterThan(1);
    b.setCurrentKey('b');
    const seen: Array<[string, number | undefined]> = [];
    b.applyToAllKeys('byName', 'x', (key) => seen.push([key, t.get('x')]));
    expect(seen.sort()).toEqual([
      ['a', 0],
      ['c', 2],
      ['e', 4],
      ['g', 6],
    ]);
    // The current key is what it was before.
    expect(t.get('other')).toBe(-1);
    b.applyToAllKeys('unknown state', 'x', () => seen.push(['never', 0]));
    expect(seen).toHaveLength(4);
  });

  it("transform: a value the function creates is the table's own, changed in place without copies until a snapshot", () => {
    const b = backend();
    let copies = 0;
    const t = b.createTable<TimeWindow, { n: number }>('acc', (v) => (copies++, { ...v }), restoreWindow);
    const add = (acc: { n: number } | undefined, v: number) => (acc === undefined ? { n: v } : ((acc.n += v), acc));
    b.setCurrentKey('a');
    // The key's first namespace (a new row), then another namespace of the same key.
    for (const w of [new TimeWindow(0, 10), new TimeWindow(10, 20)]) for (const v of [1, 2, 3]) t.transform(w, v, add);
    expect(copies).toBe(0);
    expect(t.get(new TimeWindow(0, 10))).toEqual({ n: 6 });
    expect(t.get(new TimeWindow(10, 20))).toEqual({ n: 6 });
  });
});
