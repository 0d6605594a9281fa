import { Time } from '../../lib/core/Time';
import { EventTimeSessionWindows } from '../../lib/windowing/assigners/EventTimeSessionWindows';
import { ProcessingTimeSessionWindows } from '../../lib/windowing/assigners/ProcessingTimeSessionWindows';
import { CountTrigger } from '../../lib/windowing/triggers/CountTrigger';
import { TimeWindow } from '../../lib/windowing/windows/TimeWindow';
import { OperatorHarness } from '../harness/OperatorHarness';
import { harnessOf, operatorOf } from '../harness/operatorOf';

interface Click {
  user: string;
  page: string;
  gap?: number;
}

const sessions = (gap = 10) =>
  harnessOf<Click, string>((s) =>
    s
      .keyBy('user')
      .window(EventTimeSessionWindows.withGap(Time.milliseconds(gap)))
      .process((user, ctx, clicks, out) => out.collect(`${user} [${ctx.window.start},${ctx.window.end}) ${[...clicks].map((c) => c.page).join(' ')}`)),
  ).open();

describe('session windows (merging window sets)', () => {
  it('elements within the gap form one session; a gap closes it', () => {
    const h = sessions();
    h.element({ user: 'u', page: 'a' }, 0).element({ user: 'u', page: 'b' }, 5).element({ user: 'u', page: 'c' }, 30);
    h.watermark(100);
    expect(h.values()).toEqual(['u [0,15) a b', 'u [30,40) c']);
  });

  it('an out-of-order element bridging two sessions merges all three (target state first)', () => {
    const h = sessions();
    h.element({ user: 'u', page: 'a' }, 0).element({ user: 'u', page: 'c' }, 18);
    // [0,10) and [18,28) are separate until 9 arrives: [9,19) touches both.
    h.element({ user: 'u', page: 'b' }, 9);
    h.watermark(100);
    expect(h.values()).toEqual(['u [0,28) a c b']);
  });

  it('touching windows merge (end == start)', () => {
    const h = sessions();
    h.element({ user: 'u', page: 'a' }, 0).element({ user: 'u', page: 'b' }, 10).watermark(100);
    expect(h.values()).toEqual(['u [0,20) a b']);
  });

  it('keys have separate sessions; results come when the watermark passes each session end', () => {
    const h = sessions();
    h.element({ user: 'u', page: 'a' }, 0).element({ user: 'v', page: 'x' }, 3).watermark(9);
    expect(h.values()).toEqual(['u [0,10) a']);
    h.element({ user: 'v', page: 'y' }, 12).watermark(21);
    expect(h.values()).toEqual(['u [0,10) a', 'v [3,22) x y']);
  });

  it('sums merge their accumulators; the session timer moves to the merged end', () => {
    const h = harnessOf<{ user: string; n: number }, { user: string; n: number }>((s) =>
      s.keyBy('user').window(EventTimeSessionWindows.withGap(10)).sum('n'),
    ).open();
    h.element({ user: 'u', n: 1 }, 0).element({ user: 'u', n: 2 }, 8);
    h.watermark(9); // the first window's end (9) is no longer a session end
    expect(h.values()).toEqual([]);
    h.watermark(17);
    expect(h.records()).toEqual([{ value: { user: 'u', n: 3 }, timestamp: 17 }]);
  });

  it('dynamic gaps: each element brings its own gap', () => {
    const h = harnessOf<Click, string>((s) =>
      s
        .keyBy('user')
        .window(EventTimeSessionWindows.withDynamicGap<Click>((c) => c.gap!))
        .process((u, ctx, cs, out) => out.collect(`${u} [${ctx.window.start},${ctx.window.end}) ${[...cs].length}`)),
    ).open();
    h.element({ user: 'u', page: 'a', gap: 5 }, 0).element({ user: 'u', page: 'b', gap: 50 }, 20).element({ user: 'u', page: 'c', gap: 5 }, 60);
    h.watermark(1000);
    expect(h.values()).toEqual(['u [0,5) 1', 'u [20,70) 2']);
  });

  it('allowed lateness: a late element merges into a fired session, which fires again at its new end', () => {
    const h = harnessOf<Click, string>((s) =>
      s
        .keyBy('user')
        .window(EventTimeSessionWindows.withGap(10))
        .allowedLateness(20)
        .process((u, ctx, cs, out) => out.collect(`${u} [${ctx.window.start},${ctx.window.end}) ${[...cs].length}`)),
    ).open();
    h.element({ user: 'u', page: 'a' }, 0).watermark(10);
    h.element({ user: 'u', page: 'b' }, 5); // merges into [0,15), which ends after the watermark
    expect(h.values()).toEqual(['u [0,10) 1']);
    h.watermark(14);
    expect(h.values()).toEqual(['u [0,10) 1', 'u [0,15) 2']);
    h.element({ user: 'u', page: 'c' }, 1); // still within lateness: fires at once with all three
    expect(h.values()).toEqual(['u [0,10) 1', 'u [0,15) 2', 'u [0,15) 3']);
  });

  it('without lateness, a session that already fired is gone: a late element opens a late window and is dropped', () => {
    const strict = harnessOf<Click, string>((s) =>
      s
        .keyBy('user')
        .window(EventTimeSessionWindows.withGap(10))
        .process((u, _c, cs, out) => out.collect(`${u} ${[...cs].length}`)),
    ).open();
    strict.element({ user: 'u', page: 'a' }, 0).element({ user: 'u', page: 'b' }, 30).watermark(20);
    strict.element({ user: 'u', page: 'c' }, 9); // [9,19) is late itself: retired, element counted
    expect(strict.metrics.numLateRecordsDropped).toBe(1);
    strict.watermark(100);
    expect(strict.values()).toEqual(['u 1', 'u 1']);
  });

  it('CountTrigger on sessions merges its counts (mergePartitionedState)', () => {
    const h = harnessOf<Click, string>((s) =>
      s
        .keyBy('user')
        .window(EventTimeSessionWindows.withGap(10))
        .trigger(CountTrigger.of<TimeWindow>(3))
        .process((u, ctx, cs, out) => out.collect(`${u} [${ctx.window.start},${ctx.window.end}) ${[...cs].map((c) => c.page).join('')}`)),
    ).open();
    h.element({ user: 'u', page: 'a' }, 0).element({ user: 'u', page: 'c' }, 18);
    expect(h.values()).toEqual([]);
    h.element({ user: 'u', page: 'b' }, 9); // merges: counts 1 + 1 + 1 = 3 → fires
    expect(h.values()).toEqual(['u [0,28) acb']);
  });

  it('processing-time sessions close a gap after the last element, on the clock', () => {
    const h = harnessOf<Click, string>((s) =>
      s
        .keyBy('user')
        .window(ProcessingTimeSessionWindows.withGap(Time.seconds(1)))
        .process((u, ctx, cs, out) => out.collect(`${u} [${ctx.window.start},${ctx.window.end}) ${[...cs].length}`)),
    ).open();
    h.setProcessingTime(0);
    h.element({ user: 'u', page: 'a' });
    h.setProcessingTime(600);
    h.element({ user: 'u', page: 'b' });
    h.setProcessingTime(1500);
    expect(h.values()).toEqual([]);
    h.setProcessingTime(1599);
    expect(h.values()).toEqual(['u [0,1600) 2']);
  });

  it('a session state survives a snapshot and merges after the restore', () => {
    const factory = operatorOf<Click, string>((s) =>
      s
        .keyBy('user')
        .window(EventTimeSessionWindows.withGap(10))
        .process((u, ctx, cs, out) => out.collect(`${u} [${ctx.window.start},${ctx.window.end}) ${[...cs].map((c) => c.page).join('')}`)),
    );
    const h = new OperatorHarness<Click, string>(factory()).open();
    h.element({ user: 'u', page: 'a' }, 0).element({ user: 'u', page: 'c' }, 18);
    const restored = new OperatorHarness<Click, string>(factory()).initializeState(h.snapshot()).open();
    restored.element({ user: 'u', page: 'b' }, 9).watermark(100);
    expect(restored.values()).toEqual(['u [0,28) acb']);
  });
});
