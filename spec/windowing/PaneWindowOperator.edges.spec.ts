import { Time } from '../../lib/core/Time';
import { MalformedRecordError, UserFunctionError } from '../../lib/runtime/errors';
import { OperatorStateSnapshot } from '../../lib/runtime/state/OperatorStateSnapshot';
import { StreamOperator } from '../../lib/runtime/StreamOperator';
import { MAX_WATERMARK } from '../../lib/time/Watermark';
import { GlobalWindows } from '../../lib/windowing/assigners/GlobalWindows';
import { SlidingEventTimeWindows } from '../../lib/windowing/assigners/SlidingEventTimeWindows';
import { TumblingEventTimeWindows } from '../../lib/windowing/assigners/TumblingEventTimeWindows';
import { PassThroughWindowFunction, UserProcessWindowFunction } from '../../lib/windowing/functions/InternalWindowFunction';
import { ProcessWindowFunction } from '../../lib/windowing/functions/ProcessWindowFunction';
import { AggregatingContents, ReducingContents, WindowContents } from '../../lib/windowing/functions/WindowContents';
import { PaneWindowOperator } from '../../lib/windowing/PaneWindowOperator';
import { CountTrigger } from '../../lib/windowing/triggers/CountTrigger';
import { ProcessingTimeTrigger } from '../../lib/windowing/triggers/ProcessingTimeTrigger';
import { PurgingTrigger } from '../../lib/windowing/triggers/PurgingTrigger';
import { Trigger } from '../../lib/windowing/triggers/Trigger';
import { WindowOperator, WindowOperatorConfig } from '../../lib/windowing/WindowOperator';
import { TimeWindow } from '../../lib/windowing/windows/TimeWindow';
import { OperatorHarness } from '../harness/OperatorHarness';

interface Hit {
  key: string;
  count: number;
}

type Assigner = TumblingEventTimeWindows | SlidingEventTimeWindows;
type Config = WindowOperatorConfig<Hit, string, TimeWindow, Hit, Hit, Hit>;

/** A reduce that changes its first argument and returns it, as Flink allows. */
function mutatingSum(assigner: Assigner, trigger: Trigger<unknown, TimeWindow> = assigner.getDefaultTrigger()): Config {
  return {
    keySelector: (h) => h.key,
    assigner,
    trigger,
    allowedLateness: 0,
    lateDataOutputTag: undefined,
    contents: new ReducingContents<Hit>((a, b) => {
      a.count += b.count;
      return a;
    }, 'Mutating'),
    windowFunction: new PassThroughWindowFunction<Hit, string, TimeWindow>(),
  };
}

type Kind = 'pane' | 'window';

function operator(kind: Kind, config: Config): StreamOperator<Hit, Hit> {
  return kind === 'pane' ? new PaneWindowOperator(config, 'Window') : new WindowOperator(config, 'Window');
}

function restored(kind: Kind, config: Config, snapshot: OperatorStateSnapshot): OperatorHarness<Hit, Hit> {
  return new OperatorHarness<Hit, Hit>(operator(kind, config)).initializeState(snapshot).open();
}

/** Counts the copies the operator asks for: one per (window, checkpoint) changed, and one per first element kept as it is. */
class CountingCopies<IN, ACC, R> implements WindowContents<IN, ACC, R> {
  copies = 0;
  constructor(private readonly inner: WindowContents<IN, ACC, R>) {}
  get name(): string {
    return this.inner.name;
  }
  get kind(): 'reduce' | 'aggregate' | 'list' {
    return this.inner.kind;
  }
  add(accumulator: ACC | undefined, value: IN): ACC {
    return this.inner.add(accumulator, value);
  }
  getResult(accumulator: ACC): R {
    return this.inner.getResult(accumulator);
  }
  merge(a: ACC, b: ACC): ACC {
    return this.inner.merge(a, b);
  }
  copy(accumulator: ACC): ACC {
    this.copies++;
    return this.inner.copy(accumulator);
  }
}

function processing(fn: ProcessWindowFunction<Hit, Hit, string, TimeWindow>): Config {
  return {
    ...mutatingSum(TumblingEventTimeWindows.of(Time.seconds(3))),
    windowFunction: new UserProcessWindowFunction<Hit, Hit, string, TimeWindow>(fn, true),
  };
}

const panes = (h: OperatorHarness<Hit, Hit>): number => (h.operator as unknown as { numberOfPanes(): number }).numberOfPanes();
const gauges = (h: OperatorHarness<Hit, Hit>): unknown => {
  const g = h.metrics.snapshot().gauges ?? {};
  return [g.numEventTimeTimers, g.nextEventTimeTimer, panes(h)];
};

describe('PaneWindowOperator edges', () => {
  it('keeps the first record of a restored window that had a timer and no contents as it is, as WindowOperator does', () => {
    // A purging count trigger empties the window at once and leaves its cleanup timer (at the
    // window's end): the snapshot has a timer whose window has no contents.
    const sliding = SlidingEventTimeWindows.of(Time.seconds(4), Time.seconds(1));
    const purging = new OperatorHarness<Hit, Hit>(new WindowOperator(mutatingSum(sliding, PurgingTrigger.of(CountTrigger.of(1))), 'Window')).open();
    purging.element({ key: 'k', count: 1 }, 100);
    expect(purging.values()).toHaveLength(4);
    const snapshot = purging.snapshot();

    const results = (kind: Kind) => {
      const h = restored(kind, mutatingSum(sliding), snapshot);
      const first = { key: 'k', count: 10 };
      // 1500 is in four windows, the first of them ([-2000, 2000)) restored with the empty timer.
      h.element(first, 1500).element({ key: 'k', count: 20 }, 1600).element({ key: 'k', count: 40 }, 1700);
      expect(first).toEqual({ key: 'k', count: 10 });
      h.watermark(MAX_WATERMARK);
      return h.records();
    };
    const reference = results('window');
    expect(reference.map((r) => r.value.count)).toEqual([70, 70, 70, 70]);
    expect(results('pane')).toEqual(reference);
  });

  it('holds a restored timer without contents as a timer, not contents: it fires nothing and is snapshotted as it came', () => {
    const tumbling = TumblingEventTimeWindows.of(Time.seconds(3));
    const purging = new OperatorHarness<Hit, Hit>(new WindowOperator(mutatingSum(tumbling, PurgingTrigger.of(CountTrigger.of(1))), 'Window')).open();
    purging.element({ key: 'k', count: 1 }, 100).element({ key: 'j', count: 2 }, 3100);
    purging.element({ key: 'j', count: 2 }, 3200);
    const snapshot = purging.snapshot();

    const results = (kinds: [Kind, Kind]) => {
      const first = restored(kinds[0], mutatingSum(tumbling), snapshot);
      // Through a second snapshot: the timer stays one without contents.
      const h = restored(kinds[1], mutatingSum(tumbling), first.snapshot());
      const before = gauges(h);
      h.watermark(2999);
      const afterFirst = gauges(h);
      h.element({ key: 'j', count: 5 }, 3300).watermark(MAX_WATERMARK);
      return { before, afterFirst, after: gauges(h), records: h.records() };
    };
    const reference = results(['window', 'window']);
    expect(reference).toEqual({
      before: [2, 2999, 0],
      afterFirst: [1, 5999, 0],
      after: [0, null, 0],
      records: [{ value: { key: 'j', count: 5 }, timestamp: 5999 }],
    });
    expect(results(['pane', 'pane'])).toEqual(reference);
    expect(results(['pane', 'window'])).toEqual(reference);
    expect(results(['window', 'pane'])).toEqual(reference);
  });

  it('copies an accumulator once per window and checkpoint, as WindowOperator does, however many checkpoints came before', () => {
    const sliding = SlidingEventTimeWindows.of(Time.seconds(2), Time.seconds(1));
    const run = (kind: Kind, inner: WindowContents<Hit, unknown, unknown>) => {
      const contents = new CountingCopies(inner);
      const h = new OperatorHarness<Hit, Hit>(
        operator(kind, { ...mutatingSum(sliding), contents: contents as unknown as WindowContents<Hit, Hit, Hit> }),
      ).open();
      const first = { key: 'k', count: 1 };
      const copies: number[] = [];
      h.element(first, 10).element({ key: 'k', count: 2 }, 20).element({ key: 'k', count: 4 }, 30);
      copies.push(contents.copies);
      for (let checkpoint = 1; checkpoint <= 3; checkpoint++) {
        h.snapshot(checkpoint);
        h.element({ key: 'k', count: 8 }, 40 + checkpoint).element({ key: 'k', count: 16 }, 50 + checkpoint);
        copies.push(contents.copies);
      }
      // A key's first element after three checkpoints, kept as it is: the second one copies it.
      const late = { key: 'm', count: 1 };
      h.element(late, 60).element({ key: 'm', count: 2 }, 70);
      copies.push(contents.copies);
      expect(first).toEqual({ key: 'k', count: 1 });
      expect(late).toEqual({ key: 'm', count: 1 });
      h.watermark(MAX_WATERMARK);
      return { copies, records: h.records() };
    };
    const reduce = (): WindowContents<Hit, unknown, unknown> => mutatingSum(sliding).contents as WindowContents<Hit, unknown, unknown>;
    const average = (): WindowContents<Hit, unknown, unknown> =>
      new AggregatingContents<Hit, { n: number }, Hit>(
        {
          createAccumulator: () => ({ n: 0 }),
          add: (h, acc) => {
            acc.n += h.count;
            return acc;
          },
          getResult: (acc) => ({ key: 'sum', count: acc.n }),
          merge: (a, b) => ({ n: a.n + b.n }),
        },
        'InPlace',
      ) as WindowContents<Hit, unknown, unknown>;
    const reducing = run('window', reduce());
    expect(reducing.copies).toEqual([2, 4, 6, 8, 10]);
    expect(run('pane', reduce())).toEqual(reducing);
    const aggregating = run('window', average());
    expect(aggregating.copies).toEqual([0, 2, 4, 6, 6]);
    expect(run('pane', average())).toEqual(aggregating);
  });

  it('neither drops nor sends late an element in no window (sliding windows with gaps between them)', () => {
    const gaps = SlidingEventTimeWindows.of(Time.seconds(1), Time.seconds(2));
    const run = (kind: Kind) => {
      const h = new OperatorHarness<Hit, Hit>(operator(kind, mutatingSum(gaps))).open();
      // 1500 is in the gap [1000, 2000): in no window, after the watermark (not late), then before it (late).
      h.watermark(500).element({ key: 'k', count: 1 }, 1500);
      const early = h.metrics.numLateRecordsDropped;
      h.watermark(1600).element({ key: 'k', count: 1 }, 1500);
      return [early, h.metrics.numLateRecordsDropped];
    };
    expect(run('window')).toEqual([0, 1]);
    expect(run('pane')).toEqual([0, 1]);
  });

  it('skips and counts a record whose key selector declares it malformed', () => {
    const h = new OperatorHarness<Hit, Hit>(
      operator('pane', {
        ...mutatingSum(TumblingEventTimeWindows.of(Time.seconds(3))),
        keySelector: (hit) => {
          if (hit.count < 0) throw new MalformedRecordError('negative count');
          return hit.key;
        },
      }),
    ).open();
    h.element({ key: 'k', count: 1 }, 10).element({ key: 'k', count: -1 }, 20).element({ key: 'k', count: 2 }, 30).watermark(MAX_WATERMARK);
    expect(h.values()).toEqual([{ key: 'k', count: 3 }]);
    expect(h.metrics.numRecordsSkipped).toBe(1);
  });

  it('skips a window whose process function declares it malformed, clears it and fires the next key; other failures name key and window', () => {
    const cleared: string[] = [];
    const fn: ProcessWindowFunction<Hit, Hit, string, TimeWindow> = {
      name: 'Picky',
      process(key, ctx, elements, out) {
        if (key === 'bad') throw new MalformedRecordError('bad key');
        if (key === 'boom') throw new Error('boom');
        for (const e of elements) out.collect({ key, count: e.count + ctx.currentProcessingTime() });
      },
      clear(ctx) {
        cleared.push(String(ctx.window));
      },
    };
    const h = new OperatorHarness<Hit, Hit>(operator('pane', processing(fn))).open();
    h.setProcessingTime(1000);
    h.element({ key: 'bad', count: 1 }, 10).element({ key: 'good', count: 2 }, 20).watermark(2999);
    expect(h.records()).toEqual([{ value: { key: 'good', count: 1002 }, timestamp: 2999 }]);
    expect(h.metrics.numRecordsSkipped).toBe(1);
    expect(cleared).toEqual(['TimeWindow{start=0, end=3000}', 'TimeWindow{start=0, end=3000}']);
    h.element({ key: 'boom', count: 1 }, 3010);
    expect(() => h.watermark(5999)).toThrow(UserFunctionError);
    const reference = new OperatorHarness<Hit, Hit>(operator('window', processing(fn))).open();
    reference.element({ key: 'boom', count: 1 }, 3010);
    let message = '';
    try {
      reference.watermark(5999);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/boom.*TimeWindow\{start=3000, end=6000\}/);
    const pane = new OperatorHarness<Hit, Hit>(operator('pane', processing(fn))).open();
    pane.element({ key: 'boom', count: 1 }, 3010);
    expect(() => pane.watermark(5999)).toThrow(message);
  });

  it('refuses a restored state with processing-time window timers', () => {
    const tumbling = TumblingEventTimeWindows.of(Time.seconds(3));
    const h = new OperatorHarness<Hit, Hit>(new WindowOperator(mutatingSum(tumbling, ProcessingTimeTrigger.create()), 'Window')).open();
    h.element({ key: 'k', count: 1 }, 10);
    const restoring = new OperatorHarness<Hit, Hit>(operator('pane', mutatingSum(tumbling))).initializeState(h.snapshot());
    expect(() => restoring.open()).toThrow('Window: the restored state has processing-time window timers; this event-time window cannot take them');
  });

  it('refuses restored windows that are not time windows', () => {
    const global = new OperatorHarness<Hit, Hit>(
      new WindowOperator(
        { ...mutatingSum(TumblingEventTimeWindows.of(Time.seconds(3))), assigner: GlobalWindows.create(), trigger: CountTrigger.of(5) } as unknown as Config,
        'Window',
      ),
    ).open();
    global.element({ key: 'k', count: 1 }, 10);
    const restoring = new OperatorHarness<Hit, Hit>(operator('pane', mutatingSum(TumblingEventTimeWindows.of(Time.seconds(3))))).initializeState(
      global.snapshot(),
    );
    expect(() => restoring.open()).toThrow('Window: the restored window GlobalWindow is not a time window');
  });

  it('copies nothing when a restored timer without contents gets an accumulator of its own', () => {
    const tumbling = TumblingEventTimeWindows.of(Time.seconds(3));
    const purging = new OperatorHarness<Hit, Hit>(new WindowOperator(mutatingSum(tumbling, PurgingTrigger.of(CountTrigger.of(1))), 'Window')).open();
    purging.element({ key: 'k', count: 1 }, 100);
    const snapshot = purging.snapshot();
    const run = (kind: Kind) => {
      const contents = new CountingCopies(
        new AggregatingContents<Hit, { n: number }, Hit>(
          {
            createAccumulator: () => ({ n: 0 }),
            add: (h, acc) => {
              acc.n += h.count;
              return acc;
            },
            getResult: (acc) => ({ key: 'sum', count: acc.n }),
            merge: (a, b) => ({ n: a.n + b.n }),
          },
          'InPlace',
        ),
      );
      const h = restored(kind, { ...mutatingSum(tumbling), contents: contents as unknown as WindowContents<Hit, Hit, Hit> }, snapshot);
      h.element({ key: 'k', count: 2 }, 200).element({ key: 'k', count: 4 }, 300).watermark(MAX_WATERMARK);
      return { copies: contents.copies, values: h.values() };
    };
    expect(run('window')).toEqual({ copies: 0, values: [{ key: 'sum', count: 6 }] });
    expect(run('pane')).toEqual({ copies: 0, values: [{ key: 'sum', count: 6 }] });
  });
});
