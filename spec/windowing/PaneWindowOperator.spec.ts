import { SumAggregator } from '../../lib/api/aggregation/SumAggregator';
import { DataStream } from '../../lib/api/DataStream';
import { OutputTag } from '../../lib/core/OutputTag';
import { Time } from '../../lib/core/Time';
import { ValueStateDescriptor } from '../../lib/core/state/StateDescriptor';
import { MalformedRecordError, UserFunctionError } from '../../lib/runtime/errors';
import { OperatorStateSnapshot } from '../../lib/runtime/state/OperatorStateSnapshot';
import { StreamOperator } from '../../lib/runtime/StreamOperator';
import { MAX_WATERMARK } from '../../lib/time/Watermark';
import { SlidingEventTimeWindows } from '../../lib/windowing/assigners/SlidingEventTimeWindows';
import { TumblingEventTimeWindows } from '../../lib/windowing/assigners/TumblingEventTimeWindows';
import { EventTimeSessionWindows } from '../../lib/windowing/assigners/EventTimeSessionWindows';
import { CountTrigger } from '../../lib/windowing/triggers/CountTrigger';
import { InternalWindowFunction, PassThroughWindowFunction, UserProcessWindowFunction } from '../../lib/windowing/functions/InternalWindowFunction';
import { ProcessWindowFunction } from '../../lib/windowing/functions/ProcessWindowFunction';
import { AggregatingContents, ListContents, ReducingContents } from '../../lib/windowing/functions/WindowContents';
import { PaneWindowOperator } from '../../lib/windowing/PaneWindowOperator';
import { WindowOperator, WindowOperatorConfig } from '../../lib/windowing/WindowOperator';
import { TimeWindow } from '../../lib/windowing/windows/TimeWindow';
import { OperatorHarness } from '../harness/OperatorHarness';
import { operatorOf, subtaskOf } from '../harness/operatorOf';

interface Hit {
  key: string;
  count: number;
}

type Kind = 'pane' | 'window';

/** A window job both operators can run: the factory makes fresh functions (and their state) per operator. */
interface Setup {
  readonly name: string;
  readonly config: () => WindowOperatorConfig<Hit, string, TimeWindow, unknown, unknown, unknown>;
}

const late = new OutputTag<Hit>('late');

function base(assigner: TumblingEventTimeWindows | SlidingEventTimeWindows, lateTag?: OutputTag<Hit>) {
  return { keySelector: (h: Hit) => h.key, assigner, trigger: assigner.getDefaultTrigger(), allowedLateness: 0, lateDataOutputTag: lateTag };
}

const erase = <T>(x: T): never => x as never;

/** Keeps per-key and per-window state, emits to a side output: what a process window function may touch. */
const counting: ProcessWindowFunction<Hit, string, string, TimeWindow> = {
  name: 'Counting',
  process(key, ctx, elements, out) {
    const fired = ctx.globalState().getState(new ValueStateDescriptor<number>('fired', 0));
    fired.update((fired.value() ?? 0) + 1);
    const seen = ctx.windowState().getState(new ValueStateDescriptor<number>('seen', 0));
    seen.update((seen.value() ?? 0) + 1);
    const list = [...elements].map((h) => h.count);
    out.collect(`${key} ${String(ctx.window)} [${list.join(',')}] fired=${fired.value()} seen=${seen.value()} wm=${ctx.currentWatermark()}`);
    if (list.length > 2) ctx.output(late, { key: `big-${key}`, count: list.length });
  },
  clear(ctx) {
    ctx.windowState().getState(new ValueStateDescriptor<number>('seen', 0)).clear();
  },
};

const SETUPS: Setup[] = [
  {
    name: 'tumbling windows, built-in sum kept in place',
    config: () => {
      const sum = new SumAggregator<Hit>('count');
      return {
        ...base(TumblingEventTimeWindows.of(Time.seconds(3))),
        contents: erase(new ReducingContents<Hit>(sum.reduce, sum.name, sum)),
        windowFunction: erase(new PassThroughWindowFunction()),
      };
    },
  },
  {
    name: 'sliding windows, a reduce that changes its first argument, late side output',
    config: () => ({
      ...base(SlidingEventTimeWindows.of(Time.seconds(4), Time.seconds(1)), late),
      contents: erase(
        new ReducingContents<Hit>((a, b) => {
          a.count += b.count;
          return a;
        }, 'Mutating'),
      ),
      windowFunction: erase(new PassThroughWindowFunction()),
    }),
  },
  {
    name: 'tumbling windows with an offset, an aggregate changed in place, a process function with state',
    config: () => ({
      ...base(TumblingEventTimeWindows.of(Time.seconds(2), 500)),
      contents: erase(
        new AggregatingContents<Hit, { n: number; sum: number }, Hit>(
          {
            createAccumulator: () => ({ n: 0, sum: 0 }),
            add: (h, acc) => {
              acc.n++;
              acc.sum += h.count;
              return acc;
            },
            getResult: (acc) => ({ key: 'avg', count: acc.sum / acc.n }),
            merge: (a, b) => ({ n: a.n + b.n, sum: a.sum + b.sum }),
          },
          'Average',
        ),
      ),
      windowFunction: erase(
        new UserProcessWindowFunction<Hit, string, string, TimeWindow>(counting, true) as InternalWindowFunction<unknown, string, string, TimeWindow>,
      ),
    }),
  },
  {
    name: 'sliding windows without pre-aggregation (all elements), late side output',
    config: () => ({
      ...base(SlidingEventTimeWindows.of(Time.seconds(3), Time.milliseconds(1500)), late),
      contents: erase(new ListContents<Hit>()),
      windowFunction: erase(new UserProcessWindowFunction<Hit, string, string, TimeWindow>(counting, false)),
    }),
  },
];

function operator(kind: Kind, setup: Setup): StreamOperator<Hit, unknown> {
  const config = setup.config();
  return kind === 'pane' ? new PaneWindowOperator(config, 'Window') : new WindowOperator(config, 'Window');
}

type Step = { element: Hit; ts: number } | { watermark: number } | { checkpoint: true };

/** A deterministic pseudo-random script: keys in bursts, out-of-order and late elements, watermarks, checkpoints. */
function script(seed: number, length: number): Step[] {
  let s = seed >>> 0;
  const random = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
  const steps: Step[] = [];
  let now = 0;
  let watermark = -1;
  for (let i = 0; i < length; i++) {
    const r = random();
    if (r < 0.08) {
      const next = now - Math.floor(random() * 2500);
      // Often exactly a window's maxTimestamp: the boundary of late.
      watermark = Math.max(watermark, random() < 0.5 ? next - (next % 500) - 1 : next);
      steps.push({ watermark });
    } else if (r < 0.09) {
      // An element at the watermark: late exactly when its window ends there.
      steps.push({ element: { key: keys[Math.floor(random() * keys.length)], count: 1 }, ts: Math.max(0, watermark) });
    } else if (r < 0.12) {
      steps.push({ checkpoint: true });
    } else {
      now += Math.floor(random() * 120);
      // Mostly near the front, some far behind it (late for the watermark, or for some of their windows).
      const ts = random() < 0.15 ? Math.max(0, now - Math.floor(random() * 6000)) : now;
      steps.push({ element: { key: keys[Math.floor(random() * random() * keys.length)], count: 1 + Math.floor(random() * 9) }, ts });
    }
  }
  steps.push({ watermark: MAX_WATERMARK });
  return steps;
}

interface Run {
  readonly events: unknown[];
  readonly late: unknown[];
  readonly dropped: number;
  /** The gauges and pane count after each watermark. */
  readonly timers: unknown[];
}

/**
 * Runs `steps` on operators of the kinds `kinds` names in turn: at each checkpoint the state is
 * snapshotted and restored into a fresh operator of the next kind, the input going on unchanged.
 */
function run(setup: Setup, steps: readonly Step[], kinds: readonly Kind[]): Run {
  let turn = 0;
  const open = (snapshot?: OperatorStateSnapshot) => {
    const h = new OperatorHarness<Hit, unknown>(operator(kinds[turn++ % kinds.length], setup));
    if (snapshot) h.initializeState(snapshot);
    return h.open();
  };
  let h = open();
  const events: unknown[] = [];
  const lateOut: unknown[] = [];
  const timers: unknown[] = [];
  let dropped = 0;
  const drain = (): void => {
    events.push(...h.takeOutput());
    lateOut.push(...h.sideOutput(late).splice(0));
  };
  for (const step of steps) {
    if ('checkpoint' in step) {
      drain();
      dropped += h.metrics.numLateRecordsDropped;
      h = open(h.snapshot());
    } else if ('watermark' in step) {
      h.watermark(step.watermark);
      const gauges = h.metrics.snapshot().gauges ?? {};
      timers.push([gauges.numEventTimeTimers, gauges.nextEventTimeTimer, (h.operator as unknown as { numberOfPanes(): number }).numberOfPanes()]);
    } else {
      // A fresh object per operator run: a reduce that changes its first argument must not change it.
      h.element({ ...step.element }, step.ts);
    }
  }
  drain();
  return { events, late: lateOut, dropped: dropped + h.metrics.numLateRecordsDropped, timers };
}

/** What a harness shows of a window operator: its output, late data, counters and timer gauges. */
function observe(h: OperatorHarness<Hit, unknown>): unknown {
  const gauges = h.metrics.snapshot().gauges ?? {};
  return {
    events: h.events,
    late: h.sideOutput(late),
    dropped: h.metrics.numLateRecordsDropped,
    skipped: h.metrics.numRecordsSkipped,
    timers: [gauges.numEventTimeTimers, gauges.nextEventTimeTimer],
  };
}

/** `drive` run on each operator kind (a fresh harness each), with what each showed after each step it marks. */
function onBoth(setup: Setup, drive: (h: OperatorHarness<Hit, unknown>, mark: () => void) => void): Record<Kind, unknown[]> {
  const seen = { pane: [] as unknown[], window: [] as unknown[] };
  for (const kind of ['window', 'pane'] as const) {
    const h = new OperatorHarness<Hit, unknown>(operator(kind, setup)).open();
    drive(h, () => seen[kind].push(structuredClone(observe(h))));
  }
  return seen;
}

describe('PaneWindowOperator', () => {
  describe.each(SETUPS)('gives what WindowOperator gives: $name', (setup) => {
    it.each([1, 2, 3])('on script %i: the same output in the same order, late data, gauges; checkpoints restore across both operators', (seed) => {
      const steps = script(seed, 1500);
      const reference = run(setup, steps, ['window']);
      expect(reference.events.filter((e) => (e as { kind: string }).kind === 'record').length).toBeGreaterThan(100);
      expect(reference.late.length + reference.dropped).toBeGreaterThan(10);
      expect(run(setup, steps, ['pane'])).toEqual(reference);
      // Each checkpoint restored into the other operator: the snapshot formats are one.
      expect(run(setup, steps, ['pane', 'window'])).toEqual(reference);
      expect(run(setup, steps, ['window', 'pane'])).toEqual(reference);
    });
  });

  it('restores at another parallelism from either operator, each subtask taking its key groups', () => {
    const setup = SETUPS[0];
    const steps = script(7, 800);
    const cut = steps.length >> 1;
    const before = steps.slice(0, cut).filter((s) => !('checkpoint' in s));
    const after = steps.slice(cut).filter((s) => !('checkpoint' in s));
    const feed = (h: OperatorHarness<Hit, unknown>, list: Step[]) => {
      for (const s of list) {
        if ('watermark' in s) h.watermark(s.watermark);
        else if ('element' in s) h.element({ ...s.element }, s.ts);
      }
    };
    const results = (kinds: [Kind, Kind]) => {
      const first = new OperatorHarness<Hit, unknown>(operator(kinds[0], setup)).open();
      feed(first, before);
      const snapshot = first.snapshot();
      const subtasks = [0, 1, 2].map((i) =>
        new OperatorHarness<Hit, unknown>(operator(kinds[1], setup), { subtaskIndex: i, parallelism: 3 }).initializeState(snapshot).open(),
      );
      for (const s of after) {
        if ('watermark' in s) subtasks.forEach((h) => h.watermark(s.watermark));
        else if ('element' in s) subtasks[subtaskOf(s.element.key, 3)].element({ ...s.element }, s.ts);
      }
      const out = [...first.records(), ...subtasks.flatMap((h) => h.records())];
      return out.map((r) => JSON.stringify(r)).sort();
    };
    const reference = results(['window', 'window']);
    expect(reference.length).toBeGreaterThan(50);
    expect(results(['pane', 'pane'])).toEqual(reference);
    expect(results(['window', 'pane'])).toEqual(reference);
    expect(results(['pane', 'window'])).toEqual(reference);
  });

  it('keeps a snapshot as it was at the barrier while the accumulators it holds change in place', () => {
    const op = operator('pane', SETUPS[0]);
    const h = new OperatorHarness<Hit, unknown>(op).open();
    h.element({ key: 'k', count: 1 }, 10).element({ key: 'k', count: 2 }, 20);
    const atBarrier = op.snapshotState!({ checkpointId: 1, timestamp: 0 });
    const cloned = structuredClone(atBarrier);
    h.element({ key: 'k', count: 4 }, 30).element({ key: 'k', count: 8 }, 40);
    expect(structuredClone(atBarrier)).toEqual(cloned);
    // Later snapshots go on copying once each: the second barrier's value stays too.
    const second = op.snapshotState!({ checkpointId: 2, timestamp: 0 });
    const secondCloned = structuredClone(second);
    h.element({ key: 'k', count: 16 }, 50);
    expect(structuredClone(second)).toEqual(secondCloned);
    h.watermark(MAX_WATERMARK);
    expect(h.values()).toEqual([{ key: 'k', count: 31 }]);
    // Restored contents are shared with the snapshot they came from: changed only as copies.
    const restored = new OperatorHarness<Hit, unknown>(operator('pane', SETUPS[0])).initializeState(atBarrier).open();
    restored.element({ key: 'k', count: 100 }, 60).watermark(MAX_WATERMARK);
    expect(restored.values()).toEqual([{ key: 'k', count: 103 }]);
    expect(structuredClone(atBarrier)).toEqual(cloned);
  });

  it('never changes a record kept as the first contents of its windows', () => {
    const h = new OperatorHarness<Hit, unknown>(operator('pane', SETUPS[1])).open();
    const first = { key: 'k', count: 1 };
    h.element(first, 100).element({ key: 'k', count: 2 }, 200);
    expect(first).toEqual({ key: 'k', count: 1 });
    h.watermark(MAX_WATERMARK);
    // Four sliding windows hold the first record; each adds the second to its own copy.
    expect(h.values()).toEqual([
      { key: 'k', count: 3 },
      { key: 'k', count: 3 },
      { key: 'k', count: 3 },
      { key: 'k', count: 3 },
    ]);
  });

  it('fails the task naming the operator for a key outside its key groups (no keyBy before the window)', () => {
    const key = ['a', 'b', 'c', 'd', 'e', 'f'].find((k) => subtaskOf(k, 2) === 0)!;
    const h = new OperatorHarness<Hit, unknown>(operator('pane', SETUPS[0]), { subtaskIndex: 1, parallelism: 2 }).open();
    expect(() => h.element({ key, count: 1 }, 10)).toThrow(UserFunctionError);
    expect(() => h.element({ key, count: 1 }, 10)).toThrow(/Window.*outside this subtask's key groups.*keyBy\(\)/s);
  });

  it('fails on a null or undefined key with the error WindowOperator gives', () => {
    const failure = (kind: Kind, key: unknown): unknown => {
      const h = new OperatorHarness<Hit, unknown>(operator(kind, SETUPS[0])).open();
      try {
        h.element({ key: key as string, count: 1 }, 10);
      } catch (e) {
        return e;
      }
    };
    for (const key of [null, undefined]) {
      const reference = failure('window', key);
      expect(reference).toBeInstanceOf(UserFunctionError);
      expect(failure('pane', key)).toEqual(reference);
      expect(String(failure('pane', key))).toBe(String(reference));
    }
  });

  it('skips and counts a record a user function declares malformed, and goes on', () => {
    const setup: Setup = {
      name: 'malformed',
      config: () => ({
        ...SETUPS[0].config(),
        contents: erase(
          new ReducingContents<Hit>((a, b) => {
            if (b.count < 0) throw new MalformedRecordError('negative count');
            return { key: a.key, count: a.count + b.count };
          }, 'Checked'),
        ),
      }),
    };
    const h = new OperatorHarness<Hit, unknown>(operator('pane', setup)).open();
    h.element({ key: 'k', count: 1 }, 10).element({ key: 'k', count: -1 }, 20).element({ key: 'k', count: 2 }, 30).watermark(MAX_WATERMARK);
    expect(h.values()).toEqual([{ key: 'k', count: 3 }]);
    expect(h.metrics.numRecordsSkipped).toBe(1);
  });

  it('opens a fired window again for an element that a watermark going backwards lets in', () => {
    const { pane, window } = onBoth(SETUPS[0], (h, mark) => {
      h.element({ key: 'a', count: 1 }, 100).watermark(2999).watermark(1000);
      mark();
      h.element({ key: 'a', count: 2 }, 200).watermark(2999);
      mark();
    });
    expect(window[1]).toMatchObject({ dropped: 0, timers: [0, null] });
    expect((window[1] as { events: unknown[] }).events.filter((e) => (e as { kind: string }).kind === 'record')).toHaveLength(2);
    expect(pane).toEqual(window);
  });

  it('goes on firing windows after an element whose windows have no end (an infinite timestamp)', () => {
    // A timestamp assigner may return Infinity; its window is [NaN, NaN), which WindowOperator keeps and never fires.
    const results = (kind: Kind) => {
      const h = new OperatorHarness<Hit, unknown>(operator(kind, SETUPS[0])).open();
      h.element({ key: 'a', count: 1 }, 100).element({ key: 'b', count: 2 }, Infinity).element({ key: 'c', count: 4 }, 3100);
      h.element({ key: 'b', count: 8 }, -Infinity).element({ key: 'd', count: 16 }, 6100).watermark(5999).watermark(MAX_WATERMARK);
      return { events: h.events, dropped: h.metrics.numLateRecordsDropped };
    };
    const reference = results('window');
    expect(reference.events.filter((e) => e.kind === 'record')).toHaveLength(3);
    expect(results('pane')).toEqual(reference);
    // Such a window is in the snapshots too: each operator restores the other's, and its own.
    const steps: Step[] = [
      { element: { key: 'a', count: 1 }, ts: 100 },
      { element: { key: 'b', count: 2 }, ts: Infinity },
      { checkpoint: true },
      { element: { key: 'c', count: 4 }, ts: 3100 },
      { watermark: 2999 },
      { checkpoint: true },
      { watermark: MAX_WATERMARK },
    ];
    const outputs = (kinds: Kind[]) => run(SETUPS[0], steps, kinds).events;
    expect(outputs(['window'])).toHaveLength(4);
    for (const kinds of [['pane'], ['pane', 'window'], ['window', 'pane']] as Kind[][]) expect(outputs(kinds)).toEqual(outputs(['window']));
  });

  it('opens no window for an element whose first contents a user function declared malformed', () => {
    const setup: Setup = {
      name: 'checked aggregate',
      config: () => ({
        ...base(TumblingEventTimeWindows.of(Time.seconds(3))),
        contents: erase(
          new AggregatingContents<Hit, { sum: number }, number>(
            {
              createAccumulator: () => ({ sum: 0 }),
              add: (h, acc) => {
                if (h.count < 0) throw new MalformedRecordError('negative count');
                acc.sum += h.count;
                return acc;
              },
              getResult: (acc) => acc.sum,
              merge: (a, b) => ({ sum: a.sum + b.sum }),
            },
            'Checked',
          ),
        ),
        windowFunction: erase(new PassThroughWindowFunction()),
      }),
    };
    const { pane, window } = onBoth(setup, (h, mark) => {
      h.element({ key: 'k', count: 1 }, 5000).element({ key: 'k', count: -1 }, 100);
      mark();
      h.watermark(MAX_WATERMARK);
      mark();
    });
    // The gauge says what the watermark must reach for anything to fire: 5999, not the skipped element's 2999.
    expect(window[0]).toMatchObject({ skipped: 1, timers: [1, 5999] });
    expect(pane).toEqual(window);
  });

  it('takes an element as late once the watermark is MAX_WATERMARK, also for a window ending beyond it', () => {
    // WindowOperator cleans a window up at its maxTimestamp, at MAX_WATERMARK at the latest.
    const ts = MAX_WATERMARK - 1;
    const [window] = TumblingEventTimeWindows.of(Time.seconds(3)).assignWindows(null, ts);
    expect(window.maxTimestamp()).toBeGreaterThan(MAX_WATERMARK);
    const { pane, window: reference } = onBoth(SETUPS[0], (h, mark) => {
      h.element({ key: 'a', count: 1 }, ts).watermark(MAX_WATERMARK);
      mark();
      h.element({ key: 'a', count: 2 }, ts).element({ key: 'b', count: 4 }, ts);
      mark();
    });
    expect(reference[1]).toMatchObject({ dropped: 2, timers: [1, window.maxTimestamp()] });
    expect(pane).toEqual(reference);
  });

  it('keeps apart windows that end together: restored windows of another size, and the new ones', () => {
    const threeSeconds = SETUPS[0];
    const sixSeconds: Setup = { name: 'six seconds', config: () => ({ ...threeSeconds.config(), ...base(TumblingEventTimeWindows.of(Time.seconds(6))) }) };
    const results = (kinds: [Kind, Kind]) => {
      const before = new OperatorHarness<Hit, unknown>(operator(kinds[0], threeSeconds)).open();
      before.element({ key: 'a', count: 1 }, 4000).element({ key: 'b', count: 2 }, 4500);
      const after = new OperatorHarness<Hit, unknown>(operator(kinds[1], sixSeconds)).initializeState(before.snapshot()).open();
      // [0, 6000) ends with the restored [3000, 6000).
      after.element({ key: 'c', count: 4 }, 1000).element({ key: 'a', count: 8 }, 5000).watermark(MAX_WATERMARK);
      return after.records();
    };
    const reference = results(['window', 'window']);
    expect(reference.map((r) => r.value)).toEqual([
      { key: 'a', count: 1 },
      { key: 'b', count: 2 },
      { key: 'c', count: 4 },
      { key: 'a', count: 8 },
    ]);
    expect(results(['window', 'pane'])).toEqual(reference);
    expect(results(['pane', 'pane'])).toEqual(reference);
  });

  it("fires windows that end together in the order their keys came, as WindowOperator's timers", () => {
    // Past 2^53 the ends of [2^53 - 2, 2^53 + 1) and [2^53 - 3, 2^53) round to one number.
    const setup: Setup = {
      name: 'sliding by one millisecond',
      config: () => ({ ...SETUPS[0].config(), ...base(SlidingEventTimeWindows.of(Time.milliseconds(3), Time.milliseconds(1))) }),
    };
    const { pane, window } = onBoth(setup, (h, mark) => {
      h.element({ key: 'a', count: 1 }, 2 ** 53 - 2).element({ key: 'b', count: 2 }, 2 ** 53 - 2);
      mark();
      h.watermark(MAX_WATERMARK);
      mark();
    });
    expect(window[0]).toMatchObject({ timers: [6, MAX_WATERMARK - 1] });
    expect(pane).toEqual(window);
  });

  it("refuses a window function's state named as its window contents, as WindowOperator does", () => {
    const clashing: ProcessWindowFunction<Hit, string, string, TimeWindow> = {
      name: 'Clashing',
      process(key, ctx, elements, out) {
        const state = ctx.globalState().getState(new ValueStateDescriptor<number>('window-contents', 0));
        state.update((state.value() ?? 0) + 1);
        out.collect(key);
      },
    };
    const setup: Setup = {
      name: 'clashing state name',
      config: () => ({
        ...base(TumblingEventTimeWindows.of(Time.seconds(3))),
        contents: erase(new ListContents<Hit>()),
        windowFunction: erase(new UserProcessWindowFunction<Hit, string, string, TimeWindow>(clashing, false)),
      }),
    };
    // Otherwise the function's state would be taken for window contents by the next snapshot.
    for (const kind of ['window', 'pane'] as const) {
      const h = new OperatorHarness<Hit, unknown>(operator(kind, setup)).open().element({ key: 'k', count: 1 }, 10);
      const failure = (() => {
        try {
          h.watermark(2999);
        } catch (e) {
          return e;
        }
      })();
      expect(failure).toBeInstanceOf(UserFunctionError);
      expect(String(failure)).toMatch(/state 'window-contents' was registered as table state, now asked for as value/);
    }
  });

  it('refuses to restore timers it would never fire right (a snapshot taken with allowed lateness)', () => {
    const withLateness = new OperatorHarness<Hit, unknown>(new WindowOperator({ ...SETUPS[0].config(), allowedLateness: 1000 }, 'Window')).open();
    withLateness.element({ key: 'k', count: 1 }, 10).watermark(2999);
    expect(withLateness.values()).toEqual([{ key: 'k', count: 1 }]);
    const snapshot = withLateness.snapshot();
    const restored = new OperatorHarness<Hit, unknown>(operator('pane', SETUPS[0])).initializeState(snapshot);
    expect(() => restored.open()).toThrow(/Window: the restored state has a timer at 3999 for window TimeWindow\{start=0, end=3000\}.*allowed lateness/);
  });

  it('runs only what it runs exactly as WindowOperator would', () => {
    const config = SETUPS[0].config();
    expect(PaneWindowOperator.supports(config)).toBe(true);
    expect(PaneWindowOperator.supports({ ...config, allowedLateness: 1 })).toBe(false);
    expect(PaneWindowOperator.supports({ ...config, trigger: CountTrigger.of(2) })).toBe(false);
    expect(PaneWindowOperator.supports({ ...config, assigner: EventTimeSessionWindows.withGap(Time.seconds(1)) })).toBe(false);
    expect(() => new PaneWindowOperator({ ...config, allowedLateness: 1 }, 'Window')).toThrow(/Window: PaneWindowOperator runs/);
  });

  it('is what the DataStream API builds for such windows, and only for them', () => {
    const window = (s: DataStream<Hit>) => s.keyBy('key').window(TumblingEventTimeWindows.of(Time.seconds(5)));
    expect(operatorOf((s: DataStream<Hit>) => window(s).sum('count'))()).toBeInstanceOf(PaneWindowOperator);
    expect(operatorOf((s: DataStream<Hit>) => window(s).process(counting))()).toBeInstanceOf(PaneWindowOperator);
    expect(operatorOf((s: DataStream<Hit>) => window(s).allowedLateness(Time.seconds(1)).sum('count'))()).toBeInstanceOf(WindowOperator);
    expect(operatorOf((s: DataStream<Hit>) => window(s).trigger(CountTrigger.of(2)).sum('count'))()).toBeInstanceOf(WindowOperator);
    expect(
      operatorOf((s: DataStream<Hit>) =>
        s
          .keyBy('key')
          .window(EventTimeSessionWindows.withGap(Time.seconds(1)))
          .sum('count'),
      )(),
    ).toBeInstanceOf(WindowOperator);
  });
});
