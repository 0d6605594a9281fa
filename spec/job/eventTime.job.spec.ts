import { OutputTag } from '../../lib/core/OutputTag';
import { CollectSink } from '../../lib/connectors/sink/CollectSink';
import { Time } from '../../lib/core/Time';
import { WatermarkStrategy } from '../../lib/time/WatermarkStrategy';
import { TumblingEventTimeWindows } from '../../lib/windowing/assigners/TumblingEventTimeWindows';
import { JobHarness } from '../harness/JobHarness';
import { TestSource } from '../harness/TestSource';

interface Click {
  user: string;
  t: number;
  n: number;
}

const click = (user: string, t: number, n = 1): Click => ({ user, t, n });

/**
 * A keyed 1 s window sum over clicks with 500 ms of allowed out-of-orderness; one watermark
 * generator (chained to the source), windows on 2 subtasks.
 */
function clickJob(h: JobHarness, late?: OutputTag<Click>): { source: TestSource<Click>; sums: CollectSink<string>; lates: CollectSink<Click> } {
  const source = new TestSource<Click>();
  const sums = new CollectSink<string>();
  const lates = new CollectSink<Click>();
  const windowed = h.env
    .fromSource(source, undefined, 'Clicks')
    .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<Click>(Time.milliseconds(500)).withTimestampAssigner((c) => c.t))
    .setParallelism(1)
    .keyBy('user')
    .window(TumblingEventTimeWindows.of(Time.seconds(1)));
  const summed = (late ? windowed.sideOutputLateData(late) : windowed).sum('n');
  summed.map((c) => `${c.user}@${Math.floor(c.t / 1000) * 1000}=${c.n}`).sinkTo(sums);
  if (late) summed.getSideOutput(late).sinkTo(lates);
  return { source, sums, lates };
}

describe('event time in a whole job (manual clock)', () => {
  it('gives exact window results for out-of-order input within the bound', async () => {
    const h = new JobHarness({ parallelism: 2 });
    const { source, sums } = clickJob(h);
    await h.start();
    source.emit(click('a', 100), click('b', 300), click('a', 900), click('a', 600), click('b', 1200), click('a', 1100));
    await h.advance(200); // periodic watermark: max 1200 - 500 - 1 = 699: nothing fires yet
    expect(sums.values).toEqual([]);
    source.emit(click('a', 800), click('b', 1600)); // 800 is out of order but within 500 ms of 1200
    await h.advance(200); // watermark 1600 - 500 - 1 = 1099: window [0, 1000) fires
    expect([...sums.values].sort()).toEqual(['a@0=4', 'b@0=1']);
    source.end();
    const result = await h.result();
    expect([...sums.values].sort()).toEqual(['a@0=4', 'a@1000=1', 'b@0=1', 'b@1000=2']);
    expect(result.vertices.reduce((n, v) => n + v.numLateRecordsDropped, 0)).toBe(0);
    await h.close();
  });

  it('drops and counts elements behind the watermark, or routes them to the late side output', async () => {
    for (const withSideOutput of [false, true]) {
      const h = new JobHarness({ parallelism: 2 });
      const tag = new OutputTag<Click>('late-clicks');
      const { source, sums, lates } = clickJob(h, withSideOutput ? tag : undefined);
      await h.start();
      source.emit(click('a', 100), click('a', 2000));
      await h.advance(200); // watermark 1499: [0,1000) fired with a=1
      expect(sums.values).toEqual(['a@0=1']);
      source.emit(click('a', 700), click('a', 1600)); // 700 is late (window gone), 1600 is not
      source.end();
      const result = await h.result();
      expect([...sums.values].sort()).toEqual(['a@0=1', 'a@2000=1', 'a@1000=1'].sort());
      const dropped = result.vertices.reduce((n, v) => n + v.numLateRecordsDropped, 0);
      if (withSideOutput) {
        expect(lates.records.map((r) => [r.value.t, r.timestamp])).toEqual([[700, 700]]);
        expect(dropped).toBe(0);
      } else {
        expect(dropped).toBe(1);
      }
      await h.close();
    }
  });

  it('holds a window until every input channel has passed it (min over channels)', async () => {
    const h = new JobHarness({ parallelism: 2 });
    const source = new TestSource<Click>(2);
    const sums = new CollectSink<string>();
    h.env
      .fromSource(source, undefined, 'Clicks')
      .setParallelism(2)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Click>().withTimestampAssigner((c) => c.t))
      .keyBy('user')
      .window(TumblingEventTimeWindows.of(Time.seconds(1)))
      .sum('n')
      .map((c) => `${c.user}=${c.n}`)
      .sinkTo(sums);
    await h.start();
    source.emitTo(0, click('a', 100), click('a', 5000));
    source.emitTo(1, click('a', 200));
    await h.advance(1000);
    expect(sums.values).toEqual([]); // subtask 1's channel is still at 199
    source.emitTo(1, click('b', 1500));
    await h.advance(200);
    expect(sums.values).toEqual(['a=2']);
    source.end();
    await h.result();
    expect([...sums.values].sort()).toEqual(['a=1', 'a=2', 'b=1']);
    await h.close();
  });

  it('lets an idle source subtask stop holding the watermark back (withIdleness)', async () => {
    const h = new JobHarness({ parallelism: 2 });
    const source = new TestSource<Click>(2);
    const sums = new CollectSink<string>();
    h.env
      .fromSource(source, undefined, 'Clicks')
      .setParallelism(2)
      .assignTimestampsAndWatermarks(
        WatermarkStrategy.forMonotonousTimestamps<Click>()
          .withTimestampAssigner((c) => c.t)
          .withIdleness(Time.seconds(2)),
      )
      .keyBy('user')
      .window(TumblingEventTimeWindows.of(Time.seconds(1)))
      .sum('n')
      .map((c) => `${c.user}=${c.n}`)
      .sinkTo(sums);
    await h.start();
    source.emitTo(0, click('a', 100));
    source.emitTo(1, click('a', 200));
    await h.advance(200);
    for (let t = 1; t <= 20; t++) {
      source.emitTo(0, click('a', 1000 * t + 100)); // subtask 0 keeps going; subtask 1 is silent
      await h.advance(200);
    }
    // Without idleness the window [0,1000) would wait for subtask 1 forever.
    expect(sums.values[0]).toBe('a=2');
    source.end();
    await h.result();
    await h.close();
  });

  it('keeps an idle subtask idle downstream when it gets only late records (Flink: no higher watermark, no ACTIVE)', async () => {
    const h = new JobHarness({ parallelism: 2 });
    const source = new TestSource<Click>(2);
    const sums = new CollectSink<string>();
    h.env
      .fromSource(source, undefined, 'Clicks')
      .setParallelism(2)
      .assignTimestampsAndWatermarks(
        WatermarkStrategy.forMonotonousTimestamps<Click>()
          .withTimestampAssigner((c) => c.t)
          .withIdleness(Time.seconds(2)),
      )
      .keyBy('user')
      .window(TumblingEventTimeWindows.of(Time.seconds(1)))
      .sum('n')
      .map((c) => `${c.user}=${c.n}`)
      .sinkTo(sums);
    try {
      await h.start();
      source.emitTo(0, click('a', 100));
      source.emitTo(1, click('b', 5100));
      await h.advance(3000); // both subtasks go idle; every channel idle: the valves flush 5099
      expect(sums.values).toEqual(['a=1']);
      source.emitTo(1, click('b', 300)); // late: subtask 1's watermark stays 5099
      await h.advance(200);
      source.emitTo(0, click('a', 6100)); // subtask 0 resumes with a higher watermark: 6099
      await h.advance(200);
      // Subtask 1 is still idle, so 6099 alone is the minimum and [5000, 6000) fires now; were it
      // active again, its 5099 would hold the window back until it went idle a second time.
      expect(sums.values).toEqual(['a=1', 'b=1']);
      source.end();
      await h.result();
    } finally {
      await h.close();
    }
  });
});
