import { Time } from '../../lib/core/Time';
import { OperatorStateSnapshot } from '../../lib/runtime/state/OperatorStateSnapshot';
import { StreamOperator } from '../../lib/runtime/StreamOperator';
import { MAX_WATERMARK } from '../../lib/time/Watermark';
import { SlidingEventTimeWindows } from '../../lib/windowing/assigners/SlidingEventTimeWindows';
import { TumblingEventTimeWindows } from '../../lib/windowing/assigners/TumblingEventTimeWindows';
import { PassThroughWindowFunction } from '../../lib/windowing/functions/InternalWindowFunction';
import { ReducingContents } from '../../lib/windowing/functions/WindowContents';
import { PaneWindowOperator } from '../../lib/windowing/PaneWindowOperator';
import { CountTrigger } from '../../lib/windowing/triggers/CountTrigger';
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
});
