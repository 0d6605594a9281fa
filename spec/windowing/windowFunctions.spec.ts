import { OutputTag } from '../../lib/core/OutputTag';
import { AggregateFunction } from '../../lib/core/functions';
import { ValueStateDescriptor } from '../../lib/core/state/StateDescriptor';
import { Time } from '../../lib/core/Time';
import { SlidingEventTimeWindows } from '../../lib/windowing/assigners/SlidingEventTimeWindows';
import { TumblingEventTimeWindows } from '../../lib/windowing/assigners/TumblingEventTimeWindows';
import { TumblingProcessingTimeWindows } from '../../lib/windowing/assigners/TumblingProcessingTimeWindows';
import { ProcessWindowContext } from '../../lib/windowing/functions/ProcessWindowFunction';
import { TimeWindow } from '../../lib/windowing/windows/TimeWindow';
import { harnessOf, operatorOf } from '../harness/operatorOf';
import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';

interface Ev {
  key: string;
  n: number;
}

class Average implements AggregateFunction<Ev, { sum: number; count: number }, number> {
  createAccumulator() {
    return { sum: 0, count: 0 };
  }
  add(v: Ev, acc: { sum: number; count: number }) {
    acc.sum += v.n;
    acc.count++;
    return acc;
  }
  getResult(acc: { sum: number; count: number }) {
    return acc.sum / acc.count;
  }
  merge(a: { sum: number; count: number }, b: { sum: number; count: number }) {
    return { sum: a.sum + b.sum, count: a.count + b.count };
  }
}

describe('window operator: functions, lateness, metadata', () => {
  it('sliding event-time windows: each element counts in size/slide windows, results at maxTimestamp', () => {
    const h = harnessOf<Ev, Ev>((s) =>
      s
        .keyBy('key')
        .window(SlidingEventTimeWindows.of(Time.seconds(3), Time.seconds(1)))
        .sum('n'),
    ).open();
    h.element({ key: 'a', n: 1 }, 500).element({ key: 'a', n: 10 }, 1500).element({ key: 'b', n: 100 }, 2500);
    h.watermark(999);
    expect(h.takeOutput()).toEqual([
      { kind: 'record', value: { key: 'a', n: 1 }, timestamp: 999 },
      { kind: 'watermark', watermark: 999 },
    ]);
    h.watermark(2999);
    expect(h.records().slice(1)).toEqual([
      { value: { key: 'a', n: 11 }, timestamp: 1999 },
      { value: { key: 'a', n: 11 }, timestamp: 2999 },
      { value: { key: 'b', n: 100 }, timestamp: 2999 },
    ]);
  });

  it('aggregate keeps one accumulator per window; combined with process it sees the result and metadata', () => {
    const seen: string[] = [];
    const h = harnessOf<Ev, string>((s) =>
      s
        .keyBy('key')
        .window(TumblingEventTimeWindows.of(Time.seconds(1)))
        .aggregate(new Average(), function describe(key: string, ctx: ProcessWindowContext<TimeWindow>, avgs: Iterable<number>, out) {
          const [avg, ...rest] = [...avgs];
          seen.push(`${rest.length}`);
          const w = ctx.window;
          out.collect(`${key} [${w.start},${w.end}) max=${w.maxTimestamp()} wm=${ctx.currentWatermark()} avg=${avg}`);
        }),
    ).open();
    h.element({ key: 'a', n: 2 }, 100).element({ key: 'a', n: 4 }, 900).watermark(1500);
    expect(h.values()).toEqual(['a [0,1000) max=999 wm=1500 avg=3']);
    expect(seen).toEqual(['0']);
    expect((h.operator as unknown as { name: string }).name).toBe('Window(TumblingEventTimeWindows(1000), EventTimeTrigger, Average, describe)');
  });

  it('reduce combined with process: incremental reduce, one value for the function', () => {
    const h = harnessOf<Ev, string>((s) =>
      s
        .keyBy('key')
        .window(TumblingEventTimeWindows.of(1000))
        .reduce(
          (a, b) => ({ key: a.key, n: Math.max(a.n, b.n) }),
          (key, ctx, maxes, out) => out.collect(`${key}@${ctx.window.start}: ${[...maxes].map((m) => m.n).join(',')}`),
        ),
    ).open();
    h.element({ key: 'a', n: 3 }, 1).element({ key: 'a', n: 9 }, 2).element({ key: 'a', n: 5 }, 3).watermark(999);
    expect(h.values()).toEqual(['a@0: 9']);
  });

  it('process without pre-aggregation sees every element; apply (WindowFunction) sees the window', () => {
    const h = harnessOf<Ev, string>((s) =>
      s
        .keyBy('key')
        .window(TumblingEventTimeWindows.of(1000))
        .process((key, _ctx, els, out) => out.collect(`${key}: ${[...els].map((e) => e.n).join(' ')}`)),
    ).open();
    h.element({ key: 'a', n: 1 }, 1).element({ key: 'a', n: 2 }, 2).watermark(1000);
    expect(h.values()).toEqual(['a: 1 2']);
    const g = harnessOf<Ev, string>((s) =>
      s
        .keyBy('key')
        .window(TumblingEventTimeWindows.of(1000))
        .apply(function count(key, window, els, out) {
          out.collect(`${key} ${window.start}-${window.end} ${[...els].length}`);
        }),
    ).open();
    g.element({ key: 'a', n: 1 }, 1).watermark(1000);
    expect(g.values()).toEqual(['a 0-1000 1']);
    expect((g.operator as unknown as { name: string }).name).toBe('Window(TumblingEventTimeWindows(1000), EventTimeTrigger, count)');
  });

  it('allowedLateness: each late-but-allowed element fires again with the full aggregate; then cleanup; later ones go to the side output', () => {
    const late = new OutputTag<Ev>('late');
    const h = harnessOf<Ev, Ev>((s) =>
      s.keyBy('key').window(TumblingEventTimeWindows.of(1000)).allowedLateness(Time.milliseconds(500)).sideOutputLateData(late).sum('n'),
    ).open();
    h.element({ key: 'a', n: 1 }, 100).watermark(1000);
    h.element({ key: 'a', n: 2 }, 200); // late, allowed: fires at once with 3
    h.element({ key: 'a', n: 4 }, 300); // again: 7
    h.watermark(1499); // cleanup at 999 + 500 = 1499
    h.element({ key: 'a', n: 8 }, 400); // beyond lateness: side output
    expect(h.values()).toEqual([
      { key: 'a', n: 1 },
      { key: 'a', n: 3 },
      { key: 'a', n: 7 },
    ]);
    expect(h.records().map((r) => r.timestamp)).toEqual([999, 999, 999]);
    expect(h.sideOutput(late)).toEqual([{ value: { key: 'a', n: 8 }, timestamp: 400 }]);
    expect(h.metrics.numLateRecordsDropped).toBe(0);
  });

  it('without a late-data tag, elements beyond lateness are dropped and counted', () => {
    const h = harnessOf<Ev, Ev>((s) => s.keyBy('key').window(TumblingEventTimeWindows.of(1000)).sum('n')).open();
    h.watermark(5000).element({ key: 'a', n: 1 }, 10).element({ key: 'a', n: 1 }, 4999).element({ key: 'a', n: 1 }, 5001);
    expect(h.metrics.numLateRecordsDropped).toBe(2);
    h.watermark(6000);
    expect(h.values()).toEqual([{ key: 'a', n: 1 }]);
  });

  it('process functions keep state per window (windowState) and per key (globalState)', () => {
    const perWindow = new ValueStateDescriptor<number>('fired', 0);
    const total = new ValueStateDescriptor<number>('total', 0);
    const h = harnessOf<Ev, string>((s) =>
      s
        .keyBy('key')
        .window(TumblingEventTimeWindows.of(1000))
        .allowedLateness(1000)
        .process({
          process(key: string, ctx: ProcessWindowContext<TimeWindow>, els: Iterable<Ev>, out) {
            const fired = ctx.windowState().getState(perWindow);
            fired.update(fired.value()! + 1);
            const all = ctx.globalState().getState(total);
            all.update(all.value()! + 1);
            out.collect(`${key} w${ctx.window.start} firing ${fired.value()} of ${all.value()} (${[...els].length})`);
          },
          clear(ctx: ProcessWindowContext<TimeWindow>) {
            ctx.windowState().getState(perWindow).clear();
          },
        }),
    ).open();
    h.element({ key: 'a', n: 1 }, 10).watermark(999).element({ key: 'a', n: 1 }, 20);
    h.element({ key: 'a', n: 1 }, 1010).watermark(1999);
    expect(h.values()).toEqual(['a w0 firing 1 of 1 (1)', 'a w0 firing 2 of 2 (2)', 'a w1000 firing 1 of 3 (1)']);
  });

  it('processing-time windows fire on the clock (ProcessingTimeTrigger)', () => {
    const h = harnessOf<Ev, Ev>((s) =>
      s
        .keyBy('key')
        .window(TumblingProcessingTimeWindows.of(Time.seconds(1)))
        .sum('n'),
    ).open();
    h.setProcessingTime(200);
    h.element({ key: 'a', n: 1 }).element({ key: 'a', n: 2 });
    h.setProcessingTime(998);
    expect(h.values()).toEqual([]);
    h.setProcessingTime(999);
    expect(h.records()).toEqual([{ value: { key: 'a', n: 3 }, timestamp: 999 }]);
    h.element({ key: 'a', n: 5 });
    h.advanceProcessingTime(1000);
    expect(h.values()).toEqual([
      { key: 'a', n: 3 },
      { key: 'a', n: 5 },
    ]);
    expect((h.operator as unknown as { numberOfPanes(): number }).numberOfPanes()).toBe(0);
  });

  it('allowedLateness on processing-time windows is refused', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 1 });
    expect(() => env.fromElements<Ev>().keyBy('key').window(TumblingProcessingTimeWindows.of(1000)).allowedLateness(10).sum('n')).toThrow(
      /event-time windows only/,
    );
    expect(operatorOf<Ev, Ev>((s) => s.keyBy('key').window(TumblingEventTimeWindows.of(1000)).sum('n'))().name).toBe(
      'Window(TumblingEventTimeWindows(1000), EventTimeTrigger, SumAggregator, PassThroughWindowFunction)',
    );
  });
});
