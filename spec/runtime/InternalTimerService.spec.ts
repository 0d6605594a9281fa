import { InternalTimer, InternalTimerService, KeyContext } from '../../lib/runtime/InternalTimerService';
import { ProcessingTimeService } from '../../lib/runtime/ProcessingTimeService';
import { TimeWindow } from '../../lib/windowing/windows/TimeWindow';

function service(): { timers: InternalTimerService<string, TimeWindow>; fired: string[]; keys: KeyContext<string> } {
  let current = '';
  const keys: KeyContext<string> = { getCurrentKey: () => current, getCurrentKeyId: () => current, setCurrentKey: (k) => void (current = k) };
  const fired: string[] = [];
  const record = (t: InternalTimer<string, TimeWindow>): void =>
    void fired.push(`${t.timestamp} ${t.key} [${t.namespace.start},${t.namespace.end}) key=${current}`);
  const time: ProcessingTimeService = { getCurrentProcessingTime: () => 0, registerTimer: () => ({ cancel: () => undefined }) };
  const timers = new InternalTimerService<string, TimeWindow>(keys, time, { onEventTime: record, onProcessingTime: record });
  return { timers, fired, keys };
}

describe('InternalTimerService (event-time timers per key, namespace and timestamp)', () => {
  it('deduplicates by (key, namespace, timestamp), namespaces by value, and fires in timestamp then registration order', () => {
    const { timers, fired, keys } = service();
    keys.setCurrentKey('b');
    timers.registerEventTimeTimer(new TimeWindow(0, 10), 9);
    timers.registerEventTimeTimer(new TimeWindow(0, 10), 9); // the same timer again
    keys.setCurrentKey('a');
    timers.registerEventTimeTimer(new TimeWindow(0, 10), 9);
    timers.registerEventTimeTimer(new TimeWindow(0, 20), 9); // another namespace, same key and time
    timers.registerEventTimeTimer(new TimeWindow(0, 10), 4);
    keys.setCurrentKey('b');
    timers.registerEventTimeTimer(new TimeWindow(0, 10), 9); // still deduplicated after other keys
    expect(timers.numEventTimeTimers()).toBe(4);
    timers.advanceWatermark(8);
    expect(fired).toEqual(['4 a [0,10) key=a']);
    timers.advanceWatermark(9);
    expect(fired.slice(1)).toEqual(['9 b [0,10) key=b', '9 a [0,10) key=a', '9 a [0,20) key=a']);
    expect(timers.numEventTimeTimers()).toBe(0);
  });

  it('deletes one namespace of a key and timestamp and keeps the others', () => {
    const { timers, fired, keys } = service();
    keys.setCurrentKey('a');
    for (const end of [10, 20, 30]) timers.registerEventTimeTimer(new TimeWindow(0, end), 9);
    timers.deleteEventTimeTimer(new TimeWindow(0, 20), 9);
    timers.deleteEventTimeTimer(new TimeWindow(0, 40), 9); // not there: nothing happens
    keys.setCurrentKey('b');
    timers.deleteEventTimeTimer(new TimeWindow(0, 10), 9); // another key's: nothing happens
    expect(timers.numEventTimeTimers()).toBe(2);
    // A deleted timer may be registered again, and then fires.
    keys.setCurrentKey('a');
    timers.deleteEventTimeTimer(new TimeWindow(0, 10), 9);
    timers.registerEventTimeTimer(new TimeWindow(0, 10), 9);
    timers.advanceWatermark(100);
    expect(fired).toEqual(['9 a [0,30) key=a', '9 a [0,10) key=a']);
  });

  it('snapshots the live timers by key group and restores them in their firing order', () => {
    const { timers, keys } = service();
    keys.setCurrentKey('a');
    timers.registerEventTimeTimer(new TimeWindow(0, 10), 9);
    timers.registerEventTimeTimer(new TimeWindow(0, 20), 19);
    keys.setCurrentKey('b');
    timers.registerEventTimeTimer(new TimeWindow(0, 10), 9);
    timers.deleteEventTimeTimer(new TimeWindow(0, 10), 9);
    timers.registerEventTimeTimer(new TimeWindow(5, 10), 9);
    const snapshot = timers.snapshot((k) => (k === 'a' ? 1 : 2));
    expect(
      snapshot
        .get(1)!
        .event.map((t) => t.timestamp)
        .sort(),
    ).toEqual([19, 9]);
    expect(snapshot.get(2)!.event.map((t) => [t.timestamp, (t.namespace as TimeWindow).start])).toEqual([[9, 5]]);
    const restored = service();
    const all = [...snapshot.values()].flatMap((s) => s.event);
    restored.timers.restore(all, []);
    restored.timers.advanceWatermark(100);
    expect(restored.fired).toEqual(['9 a [0,10) key=a', '9 b [5,10) key=b', '19 a [0,20) key=a']);
  });
});
