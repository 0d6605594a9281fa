import { OutputTag } from '../../lib/core/OutputTag';
import { SumAggregator } from '../../lib/api/aggregation/SumAggregator';
import { Time } from '../../lib/core/Time';
import { MAX_WATERMARK } from '../../lib/time/Watermark';
import { TumblingEventTimeWindows } from '../../lib/windowing/assigners/TumblingEventTimeWindows';
import { PassThroughWindowFunction, UserProcessWindowFunction } from '../../lib/windowing/functions/InternalWindowFunction';
import { ListContents, ReducingContents } from '../../lib/windowing/functions/WindowContents';
import { WindowOperator } from '../../lib/windowing/WindowOperator';
import { TimeWindow } from '../../lib/windowing/windows/TimeWindow';
import { Trigger, TriggerContext, TriggerResult } from '../../lib/windowing/triggers/Trigger';
import { OperatorHarness } from '../harness/OperatorHarness';

interface Hit {
  key: string;
  count: number;
  tag?: string;
}

function sumHarness(options: { lateness?: number; lateTag?: OutputTag<Hit> } = {}): OperatorHarness<Hit, Hit> {
  const sum = new SumAggregator<Hit>('count');
  const op = new WindowOperator<Hit, string, TimeWindow, unknown, Hit, Hit>(
    {
      keySelector: (h) => h.key,
      assigner: TumblingEventTimeWindows.of(Time.seconds(3)),
      trigger: TumblingEventTimeWindows.of(Time.seconds(3)).getDefaultTrigger(),
      contents: new ReducingContents<Hit>(sum.reduce, sum.name) as never,
      windowFunction: new PassThroughWindowFunction<Hit, string, TimeWindow>() as never,
      allowedLateness: options.lateness ?? 0,
      lateDataOutputTag: options.lateTag,
    },
    'Window(TumblingEventTimeWindows(3000), EventTimeTrigger, SumAggregator, PassThroughWindowFunction)',
  );
  return new OperatorHarness(op).open();
}

/** A count-only trigger that touches the window-end timer as `touch` says, and never fires on time. */
function touchingTrigger(touch: (window: TimeWindow, ctx: TriggerContext) => void): Trigger<Hit, TimeWindow> {
  return {
    onElement: (_e: Hit, _t: number, window: TimeWindow, ctx: TriggerContext): TriggerResult => {
      touch(window, ctx);
      return 'CONTINUE';
    },
    onEventTime: (): TriggerResult => 'CONTINUE',
    onProcessingTime: (): TriggerResult => 'CONTINUE',
    clear: () => undefined,
    canMerge: () => false,
    toString: () => 'TouchingTrigger',
  };
}

function panesAfterTheWindow(trigger: Trigger<Hit, TimeWindow>): { panes: number; timers: number } {
  const sum = new SumAggregator<Hit>('count');
  const op = new WindowOperator<Hit, string, TimeWindow, unknown, Hit, Hit>(
    {
      keySelector: (h) => h.key,
      assigner: TumblingEventTimeWindows.of(Time.seconds(3)),
      trigger,
      contents: new ReducingContents<Hit>(sum.reduce, sum.name, sum) as never,
      windowFunction: new PassThroughWindowFunction<Hit, string, TimeWindow>() as never,
      allowedLateness: 0,
      lateDataOutputTag: undefined,
    },
    'Window(TumblingEventTimeWindows(3000), TouchingTrigger, SumAggregator, PassThroughWindowFunction)',
  );
  const h = new OperatorHarness(op).open();
  h.element({ key: 'k', count: 1 }, 10).element({ key: 'k', count: 1 }, 20);
  const timers = (op as unknown as { timers: { numEventTimeTimers(): number } }).timers;
  const registered = timers.numEventTimeTimers();
  h.watermark(2999);
  return { panes: op.numberOfPanes(), timers: registered };
}

describe('WindowOperator cleanup timers', () => {
  it('cleans a window up at its end when the trigger deleted the timer it had registered there', () => {
    const result = panesAfterTheWindow(
      touchingTrigger((w, ctx) => {
        ctx.registerEventTimeTimer(w.maxTimestamp());
        ctx.deleteEventTimeTimer(w.maxTimestamp());
      }),
    );
    expect(result).toEqual({ panes: 0, timers: 1 });
  });

  it('registers the cleanup timer besides a trigger timer at another time', () => {
    const result = panesAfterTheWindow(touchingTrigger((w, ctx) => ctx.registerEventTimeTimer(w.maxTimestamp() - 1)));
    expect(result).toEqual({ panes: 0, timers: 2 });
  });

  it('registers one timer when the trigger registered the cleanup time itself', () => {
    const result = panesAfterTheWindow(touchingTrigger((w, ctx) => ctx.registerEventTimeTimer(w.maxTimestamp())));
    expect(result).toEqual({ panes: 0, timers: 1 });
  });
});

describe('WindowOperator with tumbling event-time windows', () => {
  it('fires when the watermark reaches maxTimestamp, result stamped maxTimestamp, before the watermark', () => {
    const h = sumHarness();
    h.element({ key: 'k1', count: 1 }, 20).element({ key: 'k1', count: 1 }, 999).element({ key: 'k2', count: 5 }, 1500);
    h.watermark(2998);
    expect(h.takeOutput()).toEqual([{ kind: 'watermark', watermark: 2998 }]);
    h.watermark(2999);
    expect(h.takeOutput()).toEqual([
      { kind: 'record', value: { key: 'k1', count: 2 }, timestamp: 2999 },
      { kind: 'record', value: { key: 'k2', count: 5 }, timestamp: 2999 },
      { kind: 'watermark', watermark: 2999 },
    ]);
  });

  it('keeps the first element fields for sum and clears the window after firing', () => {
    const h = sumHarness();
    h.element({ key: 'k', count: 1, tag: 'first' }, 10).element({ key: 'k', count: 2, tag: 'second' }, 20);
    h.watermark(MAX_WATERMARK);
    expect(h.values()).toEqual([{ key: 'k', count: 3, tag: 'first' }]);
    expect((h.operator as WindowOperator<Hit, string, TimeWindow, unknown, Hit, Hit>).numberOfPanes()).toBe(0);
  });

  it('drops and counts elements later than their window (no lateness, no side output)', () => {
    const h = sumHarness();
    h.element({ key: 'k', count: 1 }, 100);
    h.watermark(3500);
    h.element({ key: 'k', count: 1 }, 2999); // window [0,3000) is gone: late
    h.element({ key: 'k', count: 1 }, 3000); // window [3000,6000) still open
    h.watermark(MAX_WATERMARK);
    expect(h.records()).toEqual([
      { value: { key: 'k', count: 1 }, timestamp: 2999 },
      { value: { key: 'k', count: 1 }, timestamp: 5999 },
    ]);
    expect(h.metrics.numLateRecordsDropped).toBe(1);
  });

  it('sends late elements to the late-data side output when one is set', () => {
    const late = new OutputTag<Hit>('late');
    const h = sumHarness({ lateTag: late });
    h.watermark(5000);
    h.element({ key: 'k', count: 7 }, 1000);
    expect(h.sideOutput(late)).toEqual([{ value: { key: 'k', count: 7 }, timestamp: 1000 }]);
    expect(h.metrics.numLateRecordsDropped).toBe(0);
  });

  it('with allowed lateness, re-fires the window with the full aggregate for each late element, then cleans up', () => {
    const late = new OutputTag<Hit>('late');
    const h = sumHarness({ lateness: 1000, lateTag: late });
    h.element({ key: 'k', count: 1 }, 100).element({ key: 'k', count: 1 }, 200);
    h.watermark(3000);
    expect(h.values()).toEqual([{ key: 'k', count: 2 }]);
    h.element({ key: 'k', count: 1 }, 300); // late but within lateness: fires again at once
    expect(h.values()).toEqual([
      { key: 'k', count: 2 },
      { key: 'k', count: 3 },
    ]);
    h.watermark(3999); // cleanup time = maxTimestamp 2999 + lateness 1000
    h.element({ key: 'k', count: 1 }, 400); // now beyond lateness: side output
    expect(h.values()).toHaveLength(2);
    expect(h.sideOutput(late).map((r) => r.timestamp)).toEqual([400]);
  });

  it('gives a process window function the window metadata and all elements', () => {
    const seen: string[] = [];
    const op = new WindowOperator<Hit, string, TimeWindow, Hit[], Hit[], string>(
      {
        keySelector: (h) => h.key,
        assigner: TumblingEventTimeWindows.of(Time.seconds(3)),
        trigger: TumblingEventTimeWindows.of(Time.seconds(3)).getDefaultTrigger(),
        contents: new ListContents<Hit>(),
        windowFunction: new UserProcessWindowFunction<Hit, string, string, TimeWindow>((key, ctx, elements, out) => {
          seen.push(`wm=${ctx.currentWatermark()}`);
          out.collect(`${key} ${ctx.window.start}-${ctx.window.end} max=${ctx.window.maxTimestamp()} n=${[...elements].length}`);
        }, false) as never,
        allowedLateness: 0,
        lateDataOutputTag: undefined,
      },
      'Window',
    );
    const h = new OperatorHarness(op).open();
    h.element({ key: 'a', count: 1 }, 3100).element({ key: 'a', count: 1 }, 4000);
    h.watermark(6000);
    expect(h.values()).toEqual(['a 3000-6000 max=5999 n=2']);
    expect(seen).toEqual(['wm=6000']);
  });

  it('fails the task naming the operator when the key selector throws', () => {
    const h = sumHarness();
    expect(() => h.element(null as unknown as Hit, 1)).toThrow(/operator 'Window\(TumblingEventTimeWindows\(3000\).*failed on record null/);
  });
});
