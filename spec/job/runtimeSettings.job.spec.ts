import { CollectSink } from '../../lib/connectors/sink/CollectSink';
import { Time } from '../../lib/core/Time';
import { WatermarkStrategy } from '../../lib/time/WatermarkStrategy';
import { TumblingEventTimeWindows } from '../../lib/windowing/assigners/TumblingEventTimeWindows';
import { JobHarness, runBoundedJob } from '../harness/JobHarness';
import { TestSource } from '../harness/TestSource';

describe('runtime settings', () => {
  it('sends a partly filled batch after the buffer timeout, on the job clock', async () => {
    for (const [timeout, visibleAt] of [
      [100, 100],
      [0, 0],
    ] as const) {
      const h = new JobHarness({ parallelism: 2 });
      h.env.setBufferTimeout(timeout);
      const source = new TestSource<number>();
      const sink = new CollectSink<number>();
      h.env
        .fromSource(source, undefined, 'Numbers')
        .rebalance()
        .map((x) => x)
        .sinkTo(sink);
      await h.start();
      source.emit(1, 2, 3);
      await h.settle();
      if (visibleAt > 0) {
        expect(sink.values).toEqual([]); // still in the source's output buffers
        await h.advance(visibleAt - 1);
        expect(sink.values).toEqual([]);
        await h.advance(1);
      }
      expect([...sink.values].sort()).toEqual([1, 2, 3]);
      source.end();
      await h.result();
      await h.close();
    }
  });

  it('emits periodic watermarks at getConfig().setAutoWatermarkInterval', async () => {
    const h = new JobHarness({ parallelism: 1 });
    h.env.getConfig().setAutoWatermarkInterval(1000);
    const source = new TestSource<{ t: number }>();
    const sink = new CollectSink<number>();
    h.env
      .fromSource(source, undefined, 'Events')
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<{ t: number }>().withTimestampAssigner((e) => e.t))
      .keyBy(() => 0)
      .window(TumblingEventTimeWindows.of(Time.seconds(1)))
      .reduce((a) => a)
      .map((e) => e.t)
      .sinkTo(sink);
    await h.start();
    source.emit({ t: 10 }, { t: 5000 });
    await h.advance(999);
    expect(sink.values).toEqual([]); // the 200 ms default would have fired [0,1000) by now
    await h.advance(1);
    expect(sink.values).toEqual([10]);
    source.end();
    await h.result();
    await h.close();
  });

  it('reproduces the rebalance distribution for the same seed, and changes it with another', async () => {
    const distribution = async (seed: number): Promise<string> => {
      const sink = new CollectSink<number>();
      await runBoundedJob(
        (env) =>
          void env
            .fromSequence(1, 20)
            .rebalance()
            .map((x) => x)
            .setParallelism(3)
            .sinkTo(sink)
            .setParallelism(3),
        {
          parallelism: 1,
          slotsPerTaskManager: 3,
          seed,
        },
      );
      return sink.records
        .map((r) => `${r.value}@${r.subtaskIndex}`)
        .sort()
        .join(' ');
    };
    expect(await distribution(1)).toBe(await distribution(1));
    const seeds = await Promise.all([1, 2, 3, 4, 5, 6].map(distribution));
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });

  it('reports per-task record counts and the runtime in the job result', async () => {
    const { result } = await runBoundedJob(
      (env) =>
        void env
          .fromSequence(1, 100)
          .filter((x) => x % 2 === 0)
          .rebalance()
          .map((x) => x)
          .setParallelism(2)
          .print()
          .setParallelism(2),
      { parallelism: 1, slotsPerTaskManager: 2 },
    );
    expect(result.vertices.map((v) => [v.name, v.numRecordsIn, v.numRecordsOut])).toEqual([
      ['Source: Sequence Source -> Filter', 0, 50],
      ['Map -> Sink: Print to Std. Out', 50, 0],
    ]);
    expect(result.vertices[0].operators.map((o) => [o.operatorName, o.numRecordsIn, o.numRecordsOut])).toEqual([
      ['Source: Sequence Source', 0, 100],
      ['Filter', 100, 50],
    ]);
    // The manual clock never moved: the job ran in no time at all.
    expect(result.netRuntime).toBe(0);
  });

  it('the runtime in the job result is the time that passed on the job clock from submission to the end', async () => {
    const h = new JobHarness({ parallelism: 1 });
    try {
      const source = new TestSource<number>();
      h.env.fromSource(source, undefined, 'Numbers').sinkTo(new CollectSink<number>());
      await h.advance(700); // before submission: not part of the runtime
      await h.start();
      source.emit(1);
      await h.advance(2_500);
      source.end();
      const result = await h.result();
      expect(result.netRuntime).toBe(2_500);
    } finally {
      await h.close();
    }
  });
});
