import { Time } from '../../lib/core/Time';
import { EventTimeSessionWindows } from '../../lib/windowing/assigners/EventTimeSessionWindows';
import { GlobalWindows } from '../../lib/windowing/assigners/GlobalWindows';
import { TumblingEventTimeWindows } from '../../lib/windowing/assigners/TumblingEventTimeWindows';
import { TumblingProcessingTimeWindows } from '../../lib/windowing/assigners/TumblingProcessingTimeWindows';
import { WindowAssigner } from '../../lib/windowing/assigners/WindowAssigner';
import { CountEvictor } from '../../lib/windowing/evictors/CountEvictor';
import { TimeEvictor } from '../../lib/windowing/evictors/TimeEvictor';
import { ContinuousEventTimeTrigger } from '../../lib/windowing/triggers/ContinuousEventTimeTrigger';
import { ContinuousProcessingTimeTrigger } from '../../lib/windowing/triggers/ContinuousProcessingTimeTrigger';
import { CountTrigger } from '../../lib/windowing/triggers/CountTrigger';
import { PurgingTrigger } from '../../lib/windowing/triggers/PurgingTrigger';
import { Trigger, TriggerContext, TriggerResult } from '../../lib/windowing/triggers/Trigger';
import { ValueStateDescriptor } from '../../lib/core/state/StateDescriptor';
import { GlobalWindow } from '../../lib/windowing/windows/GlobalWindow';
import { TimeWindow } from '../../lib/windowing/windows/TimeWindow';
import { harnessOf } from '../harness/operatorOf';

interface Ev {
  key: string;
  n: number;
}
const ev = (n: number, key = 'k'): Ev => ({ key, n });
const nameOf = (h: { operator: unknown }) => (h.operator as { name: string }).name;
const listing = (key: string, els: Iterable<Ev>) => `${key}: ${[...els].map((e) => e.n).join(',')}`;

describe('triggers', () => {
  it('countWindow(size): GlobalWindows + PurgingTrigger(CountTrigger): fires and purges every size elements', () => {
    const h = harnessOf<Ev, Ev>((s) => s.keyBy('key').countWindow(3).sum('n')).open();
    [1, 2, 3, 4, 5, 6, 7].forEach((n) => h.element(ev(n)));
    h.element(ev(100, 'other'));
    expect(h.values()).toEqual([ev(6), ev(15)]);
    expect(nameOf(h)).toBe('Window(GlobalWindows(), PurgingTrigger, SumAggregator, PassThroughWindowFunction)');
    expect(h.records()[0].timestamp).toBe(GlobalWindow.get().maxTimestamp());
  });

  it('CountTrigger without purging fires with everything seen so far', () => {
    const h = harnessOf<Ev, Ev>((s) =>
      s
        .keyBy('key')
        .window(GlobalWindows.create() as WindowAssigner<Ev, GlobalWindow>)
        .trigger(CountTrigger.of(2))
        .sum('n'),
    ).open();
    [1, 2, 3, 4].forEach((n) => h.element(ev(n)));
    expect(h.values()).toEqual([ev(3), ev(10)]);
    expect(CountTrigger.of(2).toString()).toBe('CountTrigger(2)');
    expect(PurgingTrigger.of(CountTrigger.of(2)).toString()).toBe('PurgingTrigger(CountTrigger(2))');
  });

  it('GlobalWindows alone never fire (NeverTrigger); the same window with a trigger that fires does produce output', () => {
    const run = (withTrigger: boolean): Ev[] => {
      const h = harnessOf<Ev, Ev>((s) => {
        const windowed = s.keyBy('key').window(GlobalWindows.create() as WindowAssigner<Ev, GlobalWindow>);
        return (withTrigger ? windowed.trigger(CountTrigger.of(2)) : windowed).sum('n');
      }).open();
      h.element(ev(1)).element(ev(2)).element(ev(3)).watermark(Number.MAX_SAFE_INTEGER).endInput();
      return h.values();
    };
    expect(run(false)).toEqual([]);
    // Positive control: the same job, elements and watermark, with a trigger that fires.
    expect(run(true)).toEqual([ev(3)]);
  });

  it('ContinuousEventTimeTrigger: early firings every interval of event time, then the final one', () => {
    const h = harnessOf<Ev, Ev>((s) =>
      s
        .keyBy('key')
        .window(TumblingEventTimeWindows.of(Time.seconds(10)))
        .trigger(ContinuousEventTimeTrigger.of(Time.seconds(3)))
        .sum('n'),
    ).open();
    h.element(ev(1), 500); // fire times aligned to the interval: 3000, 6000, 9000, then 9999
    h.watermark(2999);
    expect(h.values()).toEqual([]);
    h.watermark(3000);
    expect(h.values()).toEqual([ev(1)]);
    h.element(ev(2), 4000);
    h.watermark(6000);
    expect(h.values()).toEqual([ev(1), ev(3)]);
    h.watermark(9999); // 9000 early, then the window end
    expect(h.values()).toEqual([ev(1), ev(3), ev(3), ev(3)]);
    expect(nameOf(h)).toBe('Window(TumblingEventTimeWindows(10000), ContinuousEventTimeTrigger, SumAggregator, PassThroughWindowFunction)');
  });

  it('ContinuousProcessingTimeTrigger: fires every interval of processing time, the last at the window end', () => {
    const h = harnessOf<Ev, Ev>((s) =>
      s
        .keyBy('key')
        .window(TumblingProcessingTimeWindows.of(Time.seconds(10)))
        .trigger(ContinuousProcessingTimeTrigger.of<TimeWindow>(Time.seconds(4)))
        .sum('n'),
    ).open();
    h.setProcessingTime(1000);
    h.element(ev(1)); // next fire: 1000 - 1000 % 4000 + 4000 = 4000
    h.setProcessingTime(3999);
    expect(h.values()).toEqual([]);
    h.setProcessingTime(4000);
    expect(h.values()).toEqual([ev(1)]);
    h.element(ev(5));
    h.setProcessingTime(8000);
    expect(h.values()).toEqual([ev(1), ev(6)]);
    h.setProcessingTime(9999); // min(12000, maxTimestamp 9999): the window's last firing
    expect(h.values()).toEqual([ev(1), ev(6), ev(6)]);
  });

  it('continuous triggers on merging windows: the merged window keeps the earliest pending firing', () => {
    const h = harnessOf<Ev, Ev>((s) =>
      s
        .keyBy('key')
        .window(EventTimeSessionWindows.withGap(Time.seconds(10)))
        .trigger(ContinuousEventTimeTrigger.of(Time.seconds(3)))
        .sum('n'),
    ).open();
    h.element(ev(1), 500); // session [500, 10500), first firing at 3000
    h.element(ev(2), 4000); // merged into [500, 14000): the old window's timer is deleted, 3000 re-armed on the merged one
    h.watermark(2999);
    expect(h.values()).toEqual([]);
    h.watermark(3000);
    expect(h.values()).toEqual([ev(3)]);
  });

  it('continuous triggers name their interval and reject an interval that is not positive', () => {
    expect(ContinuousEventTimeTrigger.of(Time.seconds(3)).toString()).toBe('ContinuousEventTimeTrigger(3000)');
    expect(ContinuousProcessingTimeTrigger.of(Time.seconds(4)).toString()).toBe('ContinuousProcessingTimeTrigger(4000)');
    expect(() => ContinuousEventTimeTrigger.of(Time.seconds(0))).toThrow('ContinuousEventTimeTrigger needs an interval > 0, got 0');
    expect(() => ContinuousProcessingTimeTrigger.of(0)).toThrow('ContinuousProcessingTimeTrigger needs an interval > 0, got 0');
  });

  it('a user trigger (onElement / onEventTime / onProcessingTime / clear) with its own state', () => {
    /** Fires when an element above the threshold arrives, and at the window end; counts in state. */
    class ThresholdTrigger implements Trigger<Ev, TimeWindow> {
      private readonly seen = new ValueStateDescriptor<number>('seen', 0);
      readonly log: string[] = [];
      onElement(e: Ev, _ts: number, w: TimeWindow, ctx: TriggerContext): TriggerResult {
        const seen = ctx.getPartitionedState(this.seen);
        seen.update(seen.value()! + 1);
        ctx.registerEventTimeTimer(w.maxTimestamp());
        return e.n > 10 ? 'FIRE' : 'CONTINUE';
      }
      onEventTime(time: number, w: TimeWindow, ctx: TriggerContext): TriggerResult {
        this.log.push(`end after ${ctx.getPartitionedState(this.seen).value()}`);
        return time === w.maxTimestamp() ? 'FIRE_AND_PURGE' : 'CONTINUE';
      }
      onProcessingTime(): TriggerResult {
        return 'CONTINUE';
      }
      clear(w: TimeWindow, ctx: TriggerContext): void {
        ctx.getPartitionedState(this.seen).clear();
        ctx.deleteEventTimeTimer(w.maxTimestamp());
        this.log.push('clear');
      }
      canMerge(): boolean {
        return false;
      }
      toString(): string {
        return 'ThresholdTrigger()';
      }
    }
    const trigger = new ThresholdTrigger();
    const h = harnessOf<Ev, Ev>((s) => s.keyBy('key').window(TumblingEventTimeWindows.of(1000)).trigger(trigger).sum('n')).open();
    h.element(ev(1), 1).element(ev(20), 2).element(ev(3), 3).watermark(999);
    expect(h.values()).toEqual([ev(21), ev(24)]);
    expect(trigger.log).toEqual(['end after 3', 'clear']);
    expect(nameOf(h)).toBe('Window(TumblingEventTimeWindows(1000), ThresholdTrigger, SumAggregator, PassThroughWindowFunction)');
  });
});

describe('evictors', () => {
  it('countWindow(size, slide): every slide elements over the last size (CountTrigger + CountEvictor)', () => {
    const h = harnessOf<Ev, Ev>((s) => s.keyBy('key').countWindow(3, 2).sum('n')).open();
    [1, 2, 3, 4, 5, 6].forEach((n) => h.element(ev(n)));
    expect(h.values()).toEqual([ev(3), ev(9), ev(15)]); // 1+2, 2+3+4, 4+5+6
    expect(nameOf(h)).toBe('Window(GlobalWindows(), CountTrigger, CountEvictor, SumAggregator, PassThroughWindowFunction)');
  });

  it('CountEvictor after the function: the function sees everything, then only the last n stay', () => {
    const h = harnessOf<Ev, string>((s) =>
      s
        .keyBy('key')
        .window(GlobalWindows.create() as WindowAssigner<Ev, GlobalWindow>)
        .trigger(CountTrigger.of(2))
        .evictor(CountEvictor.of(1, true))
        .process((k, _c, els, out) => out.collect(listing(k, els))),
    ).open();
    [1, 2, 3, 4].forEach((n) => h.element(ev(n)));
    expect(h.values()).toEqual(['k: 1,2', 'k: 2,3,4']);
  });

  it('TimeEvictor keeps the elements within windowSize of the newest one', () => {
    const h = harnessOf<Ev, string>((s) =>
      s
        .keyBy('key')
        .window(TumblingEventTimeWindows.of(10_000))
        .evictor(TimeEvictor.of(Time.seconds(2)))
        .process((k, _c, els, out) => out.collect(listing(k, els))),
    ).open();
    h.element(ev(1), 1000).element(ev(2), 2500).element(ev(3), 3000).element(ev(4), 5000).watermark(9999);
    expect(h.values()).toEqual(['k: 4']); // cutoff 5000 - 2000 = 3000: Flink evicts ts <= cutoff
  });

  it('reduce and aggregate with an evictor run over the kept elements at firing time', () => {
    const h = harnessOf<Ev, Ev>((s) =>
      s
        .keyBy('key')
        .window(TumblingEventTimeWindows.of(10_000))
        .evictor(CountEvictor.of(2))
        .reduce((a, b) => ({ key: a.key, n: a.n + b.n })),
    ).open();
    h.element(ev(1), 1).element(ev(10), 2).element(ev(100), 3).watermark(9999);
    expect(h.values()).toEqual([ev(110)]);
  });
});
