import { Time } from '../../lib/core/Time';
import { GlobalWindows } from '../../lib/windowing/assigners/GlobalWindows';
import { TumblingEventTimeWindows } from '../../lib/windowing/assigners/TumblingEventTimeWindows';
import { CountTrigger } from '../../lib/windowing/triggers/CountTrigger';
import { harnessOf } from '../harness/operatorOf';

interface Hit {
  key: string;
  n: number;
  note: string;
}

/**
 * A window's sum keeps an accumulator of its own and adds into it in place (one copy per key
 * and window, not per element). Nothing outside the window may see that: not the input records,
 * not results already emitted, not a checkpoint holding the state by reference.
 */
describe('window sum adds into an accumulator of its own', () => {
  it('keeps the first record fields, never changes input records', () => {
    const h = harnessOf<Hit, Hit>((s) =>
      s
        .keyBy('key')
        .window(TumblingEventTimeWindows.of(Time.seconds(1)))
        .sum('n'),
    ).open();
    const inputs = [1, 2, 4].map((n, i) => ({ key: 'a', n, note: `#${i}` }));
    inputs.forEach((r, i) => h.element(r, i));
    h.watermark(999);
    expect(h.values()).toEqual([{ key: 'a', n: 7, note: '#0' }]);
    expect(inputs.map((r) => r.n)).toEqual([1, 2, 4]);
    expect(h.values()[0]).not.toBe(inputs[0]);
  });

  it('a snapshot taken by reference keeps the sums of its barrier while elements go on', () => {
    const h = harnessOf<Hit, Hit>((s) =>
      s
        .keyBy('key')
        .window(TumblingEventTimeWindows.of(Time.seconds(1)))
        .sum('n'),
    ).open();
    h.element({ key: 'a', n: 1, note: '' }, 0).element({ key: 'a', n: 2, note: '' }, 1).element({ key: 'b', n: 5, note: '' }, 2);
    // As the task does at a barrier: the state by reference, written out later.
    const snapshot = h.operator.snapshotState!({ checkpointId: 1, timestamp: 0 });
    const atBarrier = structuredClone(snapshot);
    h.element({ key: 'a', n: 10, note: '' }, 3).element({ key: 'b', n: 20, note: '' }, 4).element({ key: 'a', n: 100, note: '' }, 5);
    expect(structuredClone(snapshot)).toEqual(atBarrier);
    h.watermark(999);
    expect(
      h
        .values()
        .map((r) => `${r.key} ${r.n}`)
        .sort(),
    ).toEqual(['a 113', 'b 25']);
  });

  it('a result already emitted does not change when its window fires again', () => {
    // CountTrigger fires every 2 elements without purging: the accumulator goes on after each result.
    const h = harnessOf<Hit, Hit>((s) => s.keyBy('key').window(GlobalWindows.create()).trigger(CountTrigger.of(2)).sum('n')).open();
    [1, 2, 4, 8].forEach((n) => h.element({ key: 'a', n, note: '' }));
    const [first, second] = h.values();
    expect([first.n, second.n]).toEqual([3, 15]);
  });

  it('a late element within allowed lateness re-fires with the full sum, the first result unchanged', () => {
    const h = harnessOf<Hit, Hit>((s) =>
      s
        .keyBy('key')
        .window(TumblingEventTimeWindows.of(Time.seconds(1)))
        .allowedLateness(Time.seconds(1))
        .sum('n'),
    ).open();
    h.element({ key: 'a', n: 1, note: '' }, 10).element({ key: 'a', n: 2, note: '' }, 20);
    h.watermark(1000);
    h.element({ key: 'a', n: 4, note: '' }, 30);
    const [onTime, late] = h.values();
    expect([onTime.n, late.n]).toEqual([3, 7]);
  });

  it('names a field that is not a number, as before', () => {
    const h = harnessOf<Hit, Hit>((s) =>
      s
        .keyBy('key')
        .window(TumblingEventTimeWindows.of(Time.seconds(1)))
        .sum('note' as 'n'),
    ).open();
    h.element({ key: 'a', n: 1, note: 'x' }, 0);
    expect(() => h.element({ key: 'a', n: 1, note: 'y' }, 1)).toThrow(/sum\('note'\): field is not a number \(got string and string\)/);
  });
});
