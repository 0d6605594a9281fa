import { EventTimeSessionWindows } from '../../lib/windowing/assigners/EventTimeSessionWindows';
import { MergingWindowSet } from '../../lib/windowing/MergingWindowSet';
import { TimeWindow } from '../../lib/windowing/windows/TimeWindow';
import { Time } from '../../lib/core/Time';

/**
 * Flink's MergingWindowSetTest: which windows are in flight, which state window holds each
 * one's contents, and what the merge function is told.
 */

const w = (start: number, end: number): TimeWindow => new TimeWindow(start, end);
const str = (x: TimeWindow | undefined): string => (x ? `[${x.start},${x.end})` : 'none');

interface Merge {
  readonly result: string;
  readonly merged: string[];
  readonly stateResult: string;
  readonly mergedState: string[];
}

function recorder(): { merges: Merge[]; fn: (r: TimeWindow, m: TimeWindow[], s: TimeWindow, ms: TimeWindow[]) => void } {
  const merges: Merge[] = [];
  return {
    merges,
    fn: (r, m, s, ms) => void merges.push({ result: str(r), merged: m.map(str), stateResult: str(s), mergedState: ms.map(str) }),
  };
}

describe('MergingWindowSet', () => {
  const sessions = EventTimeSessionWindows.withGap(Time.milliseconds(3));

  it('a window that overlaps nothing is its own state window, and nothing merges', () => {
    const set = new MergingWindowSet(sessions, undefined);
    const m = recorder();
    expect(str(set.addWindow(w(0, 3), m.fn))).toBe('[0,3)');
    expect(str(set.addWindow(w(10, 13), m.fn))).toBe('[10,13)');
    expect(str(set.getStateWindow(w(0, 3)))).toBe('[0,3)');
    expect(str(set.getStateWindow(w(10, 13)))).toBe('[10,13)');
    expect(m.merges).toEqual([]);
  });

  it('a new window inside an in-flight one ends up in it, without a merge call', () => {
    const set = new MergingWindowSet(sessions, undefined);
    const m = recorder();
    set.addWindow(w(0, 10), m.fn);
    expect(str(set.addWindow(w(2, 5), m.fn))).toBe('[0,10)');
    expect(m.merges).toEqual([]);
    expect(str(set.getStateWindow(w(0, 10)))).toBe('[0,10)');
    expect(set.getStateWindow(w(2, 5))).toBeUndefined();
  });

  it('extending a window keeps its state window: the contents stay where they are', () => {
    const set = new MergingWindowSet(sessions, undefined);
    const m = recorder();
    set.addWindow(w(0, 3), m.fn);
    expect(str(set.addWindow(w(2, 5), m.fn))).toBe('[0,5)');
    expect(m.merges).toEqual([{ result: '[0,5)', merged: ['[0,3)'], stateResult: '[0,3)', mergedState: [] }]);
    expect(str(set.getStateWindow(w(0, 5)))).toBe('[0,3)');
    expect(set.getStateWindow(w(0, 3))).toBeUndefined();
  });

  it("a window that bridges two in-flight ones merges them; the earlier state window takes the other one's contents", () => {
    const set = new MergingWindowSet(sessions, undefined);
    const m = recorder();
    set.addWindow(w(0, 3), m.fn);
    set.addWindow(w(6, 9), m.fn);
    expect(str(set.addWindow(w(3, 6), m.fn))).toBe('[0,9)');
    expect(m.merges).toEqual([{ result: '[0,9)', merged: ['[0,3)', '[6,9)'], stateResult: '[0,3)', mergedState: ['[6,9)'] }]);
    expect(str(set.getStateWindow(w(0, 9)))).toBe('[0,3)');
  });

  it('merges incrementally: each merge result keeps the first state window', () => {
    const set = new MergingWindowSet(sessions, undefined);
    const m = recorder();
    set.addWindow(w(0, 3), m.fn);
    set.addWindow(w(2, 5), m.fn); // [0,5), state [0,3)
    set.addWindow(w(8, 11), m.fn);
    set.addWindow(w(5, 8), m.fn); // bridges: [0,11), state [0,3), [8,11)'s contents merged in
    expect(m.merges.at(-1)).toEqual({ result: '[0,11)', merged: ['[0,5)', '[8,11)'], stateResult: '[0,3)', mergedState: ['[8,11)'] });
    expect(str(set.getStateWindow(w(0, 11)))).toBe('[0,3)');
  });

  it('an equal window already in flight changes nothing', () => {
    const set = new MergingWindowSet(sessions, undefined);
    const m = recorder();
    set.addWindow(w(0, 3), m.fn);
    set.takeChanges();
    expect(str(set.addWindow(w(0, 3), m.fn))).toBe('[0,3)');
    expect(m.merges).toEqual([]);
    expect(set.takeChanges()).toBeUndefined();
  });

  it('retires a window for good, and refuses to retire one not in flight', () => {
    const set = new MergingWindowSet(sessions, undefined);
    set.addWindow(w(0, 3), () => undefined);
    set.retireWindow(w(0, 3));
    expect(set.getStateWindow(w(0, 3))).toBeUndefined();
    expect(() => set.retireWindow(w(0, 3))).toThrow(/is not in in-flight window set/);
  });

  it('reports its mapping only when it changed, and restores from it', () => {
    const set = new MergingWindowSet(sessions, undefined);
    expect(set.takeChanges()).toBeUndefined();
    set.addWindow(w(0, 3), () => undefined);
    set.addWindow(w(2, 5), () => undefined);
    const changes = set.takeChanges();
    expect(changes?.mapping.map(([a, b]) => [str(a), str(b)])).toEqual([['[0,5)', '[0,3)']]);
    expect(set.takeChanges()).toBeUndefined();
    const restored = new MergingWindowSet(sessions, changes!.mapping);
    expect(str(restored.getStateWindow(w(0, 5)))).toBe('[0,3)');
    const m = recorder();
    expect(str(restored.addWindow(w(4, 7), m.fn))).toBe('[0,7)');
    expect(m.merges).toEqual([{ result: '[0,7)', merged: ['[0,5)'], stateResult: '[0,3)', mergedState: [] }]);
  });
});
