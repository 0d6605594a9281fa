import { DynamicEventTimeSessionWindows } from '../../lib/windowing/assigners/DynamicEventTimeSessionWindows';
import { EventTimeSessionWindows } from '../../lib/windowing/assigners/EventTimeSessionWindows';
import { GlobalWindows } from '../../lib/windowing/assigners/GlobalWindows';
import { ProcessingTimeSessionWindows } from '../../lib/windowing/assigners/ProcessingTimeSessionWindows';
import { SlidingEventTimeWindows } from '../../lib/windowing/assigners/SlidingEventTimeWindows';
import { SlidingProcessingTimeWindows } from '../../lib/windowing/assigners/SlidingProcessingTimeWindows';
import { TumblingEventTimeWindows } from '../../lib/windowing/assigners/TumblingEventTimeWindows';
import { TumblingProcessingTimeWindows } from '../../lib/windowing/assigners/TumblingProcessingTimeWindows';
import { Time } from '../../lib/core/Time';
import { GlobalWindow } from '../../lib/windowing/windows/GlobalWindow';
import { TimeWindow } from '../../lib/windowing/windows/TimeWindow';
import { restoreWindow } from '../../lib/windowing/windows/restoreWindow';
import { MAX_WATERMARK, NO_TIMESTAMP } from '../../lib/time/Watermark';
import fc from 'fast-check';

const at = (now: number) => ({ getCurrentProcessingTime: () => now });
const spans = (ws: TimeWindow[]) => ws.map((w) => [w.start, w.end]);

describe('window assigners (Flink formulas and names)', () => {
  it('SlidingEventTimeWindows: size/slide windows per element, newest first, with offset', () => {
    const a = SlidingEventTimeWindows.of(Time.seconds(3), Time.seconds(1));
    expect(a.toString()).toBe('SlidingEventTimeWindows(3000, 1000)');
    expect(spans(a.assignWindows(null, 2500))).toEqual([
      [2000, 5000],
      [1000, 4000],
      [0, 3000],
    ]);
    expect(spans(a.assignWindows(null, 3000))).toEqual([
      [3000, 6000],
      [2000, 5000],
      [1000, 4000],
    ]);
    const off = SlidingEventTimeWindows.of(Time.seconds(3), Time.seconds(1), 200);
    expect(spans(off.assignWindows(null, 2100))).toEqual([
      [1200, 4200],
      [200, 3200],
      [-800, 2200],
    ]);
    expect(a.isEventTime()).toBe(true);
    expect(a.getDefaultTrigger().toString()).toBe('EventTimeTrigger()');
    expect(() => SlidingEventTimeWindows.of(3000, 1000, 1000)).toThrow(/abs\(offset\) < slide and size > 0/);
    expect(() => a.assignWindows(null, NO_TIMESTAMP)).toThrow(/no timestamp/);
  });

  it('a slide that does not divide the size gives floor or ceil(size/slide) windows', () => {
    const a = SlidingEventTimeWindows.of(5000, 2000);
    expect(spans(a.assignWindows(null, 4500))).toEqual([
      [4000, 9000],
      [2000, 7000],
      [0, 5000],
    ]);
    expect(spans(a.assignWindows(null, 5500))).toEqual([
      [4000, 9000],
      [2000, 7000],
    ]);
  });

  it('hands out the windows of Flink formulas for timestamps in any order (assigned windows are reused)', () => {
    // Flink's loops, literally: TumblingEventTimeWindows / SlidingEventTimeWindows.assignWindows.
    const tumbling = (ts: number, size: number, offset: number) => {
      const start = ts - ((ts - offset + size) % size);
      return [[start, start + size]];
    };
    const sliding = (ts: number, size: number, slide: number, offset: number) => {
      const out: number[][] = [];
      const lastStart = ts - ((ts - offset + slide) % slide);
      for (let start = lastStart; start > ts - size; start -= slide) out.push([start, start + size]);
      return out;
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 49 }),
        fc.array(fc.integer({ min: -100, max: 2000 }), { minLength: 1, maxLength: 60 }),
        (slide, factor, rawOffset, timestamps) => {
          const offset = rawOffset % slide;
          const size = slide * factor;
          // Also a size that is not a multiple of the slide (those windows are computed per element).
          const odd = size + 1;
          const t = TumblingEventTimeWindows.of(size, offset);
          const s = SlidingEventTimeWindows.of(Time.milliseconds(size), Time.milliseconds(slide), offset);
          const u = SlidingEventTimeWindows.of(Time.milliseconds(odd), Time.milliseconds(slide), offset);
          for (const ts of timestamps) {
            expect(spans(t.assignWindows(null, ts))).toEqual(tumbling(ts, size, offset));
            expect(spans(s.assignWindows(null, ts))).toEqual(sliding(ts, size, slide, offset));
            expect(spans(u.assignWindows(null, ts))).toEqual(sliding(ts, odd, slide, offset));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('processing-time tumbling and sliding windows use the clock, not the element timestamp', () => {
    const t = TumblingProcessingTimeWindows.of(Time.seconds(5));
    expect(t.toString()).toBe('TumblingProcessingTimeWindows(5000)');
    expect(spans(t.assignWindows(null, NO_TIMESTAMP, at(12_345)))).toEqual([[10_000, 15_000]]);
    expect(spans(TumblingProcessingTimeWindows.of(5000, 1000).assignWindows(null, 0, at(12_345)))).toEqual([[11_000, 16_000]]);
    expect(t.isEventTime()).toBe(false);
    expect(t.getDefaultTrigger().toString()).toBe('ProcessingTimeTrigger()');
    const s = SlidingProcessingTimeWindows.of(4000, 2000);
    expect(s.toString()).toBe('SlidingProcessingTimeWindows(4000, 2000)');
    expect(spans(s.assignWindows(null, 0, at(5000)))).toEqual([
      [4000, 8000],
      [2000, 6000],
    ]);
  });

  it('session windows: [ts, ts + gap), merging intersecting (and touching) windows', () => {
    const a = EventTimeSessionWindows.withGap(Time.seconds(10));
    expect(a.toString()).toBe('EventTimeSessionWindows(10000)');
    expect(spans(a.assignWindows(null, 1000))).toEqual([[1000, 11_000]]);
    const merges: Array<[number[][], number[]]> = [];
    a.mergeWindows([new TimeWindow(0, 10), new TimeWindow(20, 30), new TimeWindow(10, 20), new TimeWindow(40, 50)], (ws, r) =>
      merges.push([spans(ws), [r.start, r.end]]),
    );
    expect(merges).toEqual([
      [
        [
          [0, 10],
          [10, 20],
          [20, 30],
        ],
        [0, 30],
      ],
    ]);
    expect(() => EventTimeSessionWindows.withGap(0)).toThrow(/0 < gap/);
    expect(ProcessingTimeSessionWindows.withGap(500).toString()).toBe('ProcessingTimeSessionWindows(500)');
    expect(spans(ProcessingTimeSessionWindows.withGap(500).assignWindows(null, 0, at(100)))).toEqual([[100, 600]]);
  });

  it('dynamic session gaps come from the element', () => {
    const a = EventTimeSessionWindows.withDynamicGap<{ gap: number }>((e) => e.gap);
    expect(a).toBeInstanceOf(DynamicEventTimeSessionWindows);
    expect(a.toString()).toBe('DynamicEventTimeSessionWindows()');
    expect(spans(a.assignWindows({ gap: 7 }, 100))).toEqual([[100, 107]]);
    expect(() => a.assignWindows({ gap: 0 }, 100)).toThrow(/Dynamic session time gap must satisfy 0 < gap/);
    expect(ProcessingTimeSessionWindows.withDynamicGap<{ gap: number }>((e) => e.gap).toString()).toBe('DynamicProcessingTimeSessionWindows()');
  });

  it('GlobalWindows: one never-ending window, NeverTrigger by default', () => {
    const g = GlobalWindows.create();
    expect(g.toString()).toBe('GlobalWindows()');
    expect(g.assignWindows()).toEqual([GlobalWindow.get()]);
    expect(GlobalWindow.get().maxTimestamp()).toBe(MAX_WATERMARK);
    expect(g.getDefaultTrigger().toString()).toBe('NeverTrigger()');
  });

  it('windows survive structured cloning (snapshots) and come back equal', () => {
    expect(restoreWindow(structuredClone(new TimeWindow(1, 2)))).toEqual(new TimeWindow(1, 2));
    expect(restoreWindow(structuredClone(GlobalWindow.get()))).toBe(GlobalWindow.get());
    expect(TumblingEventTimeWindows.of(Time.seconds(5)).toString()).toBe('TumblingEventTimeWindows(5000)');
  });
});
