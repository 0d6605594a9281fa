import { ValueStateDescriptor } from '../../../lib/core/state/StateDescriptor';
import { assignToKeyGroup, computeKeyGroupRangeForOperatorIndex } from '../../../lib/partitioners/keyGroups';
import { InternalTimer, Triggerable } from '../../../lib/runtime/InternalTimerService';
import { Cancellable, ProcessingTimeService } from '../../../lib/runtime/ProcessingTimeService';
import { KeyedStateHandler } from '../../../lib/runtime/state/KeyedStateHandler';
import { KeyGroupSnapshot } from '../../../lib/runtime/state/KeyedStateSnapshot';
import { restorePrimitiveNamespace } from '../../../lib/runtime/state/Namespace';
import { OperatorContext } from '../../../lib/runtime/StreamOperator';
import { ManualClock } from '../../../lib/time/ManualClock';
import { TimeWindow } from '../../../lib/windowing/windows/TimeWindow';
import { restoreWindow } from '../../../lib/windowing/windows/restoreWindow';

/** What the handler reads from its operator's context; the rest of a task's context is not used. */
function contextOf(subtaskIndex: number, parallelism: number, clock: ManualClock): OperatorContext {
  const processingTimeService: ProcessingTimeService = {
    getCurrentProcessingTime: () => clock.now(),
    registerTimer(timestamp: number, callback: (ts: number) => void): Cancellable {
      const handle = clock.setTimeout(() => callback(timestamp), timestamp - clock.now());
      return { cancel: () => clock.clearTimeout(handle) };
    },
  };
  return { subtaskIndex, parallelism, maxParallelism: 128, clock, processingTimeService } as Partial<OperatorContext> as OperatorContext;
}

/** Records the timers that fire, as "event|processing key@timestamp namespace". */
class Fired<N> implements Triggerable<string, N> {
  readonly log: string[] = [];
  onEventTime(t: InternalTimer<string, N>): void {
    this.log.push(`event ${t.key}@${t.timestamp} ${String(t.namespace instanceof TimeWindow ? `window ${t.namespace.start}` : t.namespace)}`);
  }
  onProcessingTime(t: InternalTimer<string, N>): void {
    this.log.push(`processing ${t.key}@${t.timestamp} ${String(t.namespace)}`);
  }
}

const keys = Array.from({ length: 12 }, (_, i) => `key${i}`);

describe('KeyedStateHandler (keyed state and timers of one operator, by key group)', () => {
  it("creates its backend for the subtask's key groups", () => {
    const h = new KeyedStateHandler<string>(contextOf(1, 2, new ManualClock(0)), "operator 'w'");
    expect(h.backend.keyGroupRange).toEqual({ start: 64, end: 127 });
    expect(h.backend).toBe(h.backend);
    const outside = keys.find((k) => assignToKeyGroup(k, 128) < 64)!;
    expect(() => h.setCurrentKey(outside)).toThrow(/^operator 'w': key "key\d+" is in key group \d+, outside this subtask's key groups \[64, 127\]/);
    const inside = keys.find((k) => assignToKeyGroup(k, 128) >= 64)!;
    h.setCurrentKey(inside);
    expect(h.getCurrentKey()).toBe(inside);
  });

  it('refuses a timer before any key is set, naming the operator', () => {
    const h = new KeyedStateHandler<string>(contextOf(0, 1, new ManualClock(0)), "operator 'w'");
    const timers = h.getInternalTimerService<string>('t', new Fired<string>(), restorePrimitiveNamespace);
    expect(() => timers.registerEventTimeTimer('ns', 10)).toThrow(/^operator 'w': no key set/);
    expect(() => timers.registerProcessingTimeTimer('ns', 10)).toThrow(/^operator 'w': no key set/);
    expect(timers.numEventTimeTimers() + timers.numProcessingTimeTimers()).toBe(0);
    h.setCurrentKey('k');
    timers.registerEventTimeTimer('ns', 10);
    expect(timers.numEventTimeTimers()).toBe(1);
  });

  it('state and timers come back on the subtasks that own their key groups after a rescale (1 to 2)', () => {
    const clock = new ManualClock(0);
    const old = new KeyedStateHandler<string>(contextOf(0, 1, clock), "operator 'w'");
    old.initialize({ isRestored: false, restoredCheckpointId: undefined, keyGroupRange: { start: 0, end: 127 }, keyed: new Map(), operator: [] });
    const count = old.backend.getPartitionedState(new ValueStateDescriptor<number>('count'));
    const windows = old.getInternalTimerService<TimeWindow>('windows', new Fired(), restoreWindow);
    const oldCleanup = new Fired<string>();
    const cleanup = old.getInternalTimerService<string>('cleanup', oldCleanup, restorePrimitiveNamespace);
    keys.forEach((k, i) => {
      old.setCurrentKey(k);
      count.update(i);
      windows.registerEventTimeTimer(new TimeWindow(0, 10), 9);
      cleanup.registerProcessingTimeTimer('ttl', 100 + i);
    });
    const snapshot = structuredClone(old.snapshot());
    old.close();
    clock.advance(1000);
    expect(oldCleanup.log).toEqual([]); // the old subtask's processing timers were released at close

    const fired: string[] = [];
    for (const subtask of [0, 1]) {
      const range = computeKeyGroupRangeForOperatorIndex(128, 2, subtask);
      const keyed = new Map([...snapshot].filter(([kg]) => kg >= range.start && kg <= range.end));
      const h = new KeyedStateHandler<string>(contextOf(subtask, 2, clock), "operator 'w'");
      h.initialize({ isRestored: true, restoredCheckpointId: 1, keyGroupRange: range, keyed, operator: [] });
      const mine = keys.filter((k) => assignToKeyGroup(k, 128) >= range.start && assignToKeyGroup(k, 128) <= range.end);
      expect(mine.length).toBeGreaterThan(0);
      const c = h.backend.getPartitionedState(new ValueStateDescriptor<number>('count'));
      for (const k of mine) {
        h.setCurrentKey(k);
        expect(c.value()).toBe(keys.indexOf(k));
      }
      const onWindows = new Fired<TimeWindow>();
      const onCleanup = new Fired<string>();
      h.getInternalTimerService('windows', onWindows, restoreWindow);
      h.getInternalTimerService('cleanup', onCleanup, restorePrimitiveNamespace);
      h.advanceWatermark(9);
      clock.advance(200);
      expect(onWindows.log.sort()).toEqual(mine.map((k) => `event ${k}@9 window 0`).sort());
      expect(onCleanup.log.sort()).toEqual(mine.map((k) => `processing ${k}@${100 + keys.indexOf(k)} ttl`).sort());
      fired.push(...onWindows.log);
      h.close();
    }
    expect(fired).toHaveLength(keys.length);
  });

  it('takes only the key groups of its range from what it is given, and refuses data that is not keyed state', () => {
    const clock = new ManualClock(0);
    const old = new KeyedStateHandler<string>(contextOf(0, 1, clock), 'op');
    const count = old.backend.getPartitionedState(new ValueStateDescriptor<number>('count'));
    keys.forEach((k, i) => {
      old.setCurrentKey(k);
      count.update(i);
    });
    const snapshot = old.snapshot();
    const groups = [...snapshot.keys()].sort((a, b) => a - b);
    const [start, end] = [groups[1], groups[groups.length - 2]];
    const h = new KeyedStateHandler<string>(contextOf(0, 1, clock), 'op');
    h.initialize({ isRestored: true, restoredCheckpointId: 1, keyGroupRange: { start, end }, keyed: snapshot, operator: [] });
    expect([...h.snapshot().keys()].sort((a, b) => a - b)).toEqual(groups.slice(1, -1));

    const bad = new KeyedStateHandler<string>(contextOf(0, 1, clock), "operator 'x'");
    const keyed = new Map<number, unknown>([[start, { states: {} }]]);
    expect(() => bad.initialize({ isRestored: true, restoredCheckpointId: 1, keyGroupRange: { start: 0, end: 127 }, keyed, operator: [] })).toThrow(
      new Error(`operator 'x': key group ${start} of the snapshot is not keyed operator state`),
    );
    // Outside the range, on either side, it is not looked at.
    expect(() =>
      bad.initialize({ isRestored: true, restoredCheckpointId: 1, keyGroupRange: { start: start + 1, end: 127 }, keyed, operator: [] }),
    ).not.toThrow();
    const other = new KeyedStateHandler<string>(contextOf(0, 1, clock), "operator 'x'");
    expect(() =>
      other.initialize({ isRestored: true, restoredCheckpointId: 1, keyGroupRange: { start: 0, end: start - 1 }, keyed, operator: [] }),
    ).not.toThrow();
  });

  it('keeps restored timers of a service not asked for yet in its snapshots, and a fresh start has none', () => {
    const clock = new ManualClock(0);
    const old = new KeyedStateHandler<string>(contextOf(0, 1, clock), 'op');
    old.getInternalTimerService<string>('t', new Fired(), restorePrimitiveNamespace);
    old.setCurrentKey('a');
    old.getInternalTimerService<string>('t', new Fired(), restorePrimitiveNamespace).registerEventTimeTimer('n', 5);
    const snapshot = structuredClone(old.snapshot());
    const group = assignToKeyGroup('a', 128);
    expect(snapshot.get(group)!.timers.t.event.map((t) => [t.key, t.namespace, t.timestamp])).toEqual([['a', 'n', 5]]);

    const h = new KeyedStateHandler<string>(contextOf(0, 1, clock), 'op');
    h.initialize({ isRestored: true, restoredCheckpointId: 1, keyGroupRange: { start: 0, end: 127 }, keyed: snapshot, operator: [] });
    const carried = h.snapshot().get(group) as KeyGroupSnapshot;
    expect(carried.timers.t.event.map((t) => [t.key, t.namespace, t.timestamp])).toEqual([['a', 'n', 5]]);
    const fresh = new KeyedStateHandler<string>(contextOf(0, 1, clock), 'op');
    fresh.initialize({ isRestored: false, restoredCheckpointId: undefined, keyGroupRange: { start: 0, end: 127 }, keyed: snapshot, operator: [] });
    expect(fresh.snapshot().size).toBe(0);
  });

  it('a timer service is created once per name; state is initialized before any exists', () => {
    const h = new KeyedStateHandler<string>(contextOf(0, 1, new ManualClock(0)), "operator 'w'");
    const t = h.getInternalTimerService<string>('t', new Fired(), restorePrimitiveNamespace);
    expect(h.getInternalTimerService<string>('t', new Fired(), restorePrimitiveNamespace)).toBe(t);
    expect(() =>
      h.initialize({ isRestored: false, restoredCheckpointId: undefined, keyGroupRange: { start: 0, end: 127 }, keyed: new Map(), operator: [] }),
    ).toThrow(new Error("operator 'w': state must be initialized before open()"));
  });
});
