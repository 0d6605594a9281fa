import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { CollectSink } from '../../lib/connectors/sink/CollectSink';
import { Time } from '../../lib/core/Time';
import { TumblingEventTimeWindows } from '../../lib/windowing/assigners/TumblingEventTimeWindows';
import { runBoundedJob } from '../harness/JobHarness';

interface Reading {
  sensor: string;
  t: number;
  v: number;
  note: string;
}

const r = (sensor: string, t: number, v: number, note: string): Reading => ({ sensor, t, v, note });
const input = [r('s', 0, 5, 'first'), r('s', 100, 3, 'second'), r('s', 200, 9, 'third'), r('s', 300, 3, 'fourth')];

async function collect<T>(define: (env: StreamExecutionEnvironment, sink: CollectSink<T>) => void): Promise<T[]> {
  const sink = new CollectSink<T>();
  await runBoundedJob((env) => define(env, sink), { parallelism: 1 });
  return sink.values;
}

describe('aggregations keep Flink rules', () => {
  it('rolling sum/min/max keep the first record fields; minBy/maxBy return whole records', async () => {
    const keyed = (env: StreamExecutionEnvironment) => env.fromCollection(input).keyBy('sensor');
    expect((await collect<Reading>((env, s) => void keyed(env).sum('v').sinkTo(s))).map((x) => `${x.v}:${x.note}`)).toEqual([
      '5:first',
      '8:first',
      '17:first',
      '20:first',
    ]);
    expect((await collect<Reading>((env, s) => void keyed(env).min('v').sinkTo(s))).map((x) => `${x.v}:${x.note}`)).toEqual([
      '5:first',
      '3:first',
      '3:first',
      '3:first',
    ]);
    expect((await collect<Reading>((env, s) => void keyed(env).max('v').sinkTo(s))).map((x) => `${x.v}:${x.note}`)).toEqual([
      '5:first',
      '5:first',
      '9:first',
      '9:first',
    ]);
    expect((await collect<Reading>((env, s) => void keyed(env).minBy('v').sinkTo(s))).map((x) => x.note)).toEqual([
      'first',
      'second',
      'second',
      'second', // a tie keeps the first record holding the minimum
    ]);
    expect((await collect<Reading>((env, s) => void keyed(env).minBy('v', false).sinkTo(s))).map((x) => x.note)).toEqual([
      'first',
      'second',
      'second',
      'fourth', // first = false: a tie takes the later record
    ]);
    expect((await collect<Reading>((env, s) => void keyed(env).maxBy('v').sinkTo(s))).map((x) => x.note)).toEqual(['first', 'first', 'third', 'third']);
  });

  it('windowed sum/min/max/minBy/maxBy/reduce/aggregate per window', async () => {
    const windowed = (env: StreamExecutionEnvironment) =>
      env
        .fromCollection(input)
        .assignAscendingTimestamps((x) => x.t)
        .keyBy('sensor')
        .window(TumblingEventTimeWindows.of(Time.seconds(1)));
    expect((await collect<Reading>((env, s) => void windowed(env).sum('v').sinkTo(s))).map((x) => `${x.v}:${x.note}`)).toEqual(['20:first']);
    expect((await collect<Reading>((env, s) => void windowed(env).max('v').sinkTo(s))).map((x) => `${x.v}:${x.note}`)).toEqual(['9:first']);
    expect((await collect<Reading>((env, s) => void windowed(env).maxBy('v').sinkTo(s))).map((x) => x.note)).toEqual(['third']);
    expect((await collect<Reading>((env, s) => void windowed(env).min('v').sinkTo(s))).map((x) => `${x.v}:${x.note}`)).toEqual(['3:first']);
    expect((await collect<Reading>((env, s) => void windowed(env).minBy('v').sinkTo(s))).map((x) => x.note)).toEqual(['second']);
    expect((await collect<Reading>((env, s) => void windowed(env).minBy('v', false).sinkTo(s))).map((x) => x.note)).toEqual(['fourth']);
    expect(
      (
        await collect<Reading>(
          (env, s) =>
            void windowed(env)
              .reduce((a, b) => ({ ...a, v: a.v * b.v }))
              .sinkTo(s),
        )
      ).map((x) => x.v),
    ).toEqual([405]);
    const avg = await collect<number>(
      (env, s) =>
        void windowed(env)
          .aggregate({
            createAccumulator: () => ({ sum: 0, n: 0 }),
            add: (x: Reading, acc: { sum: number; n: number }) => ({ sum: acc.sum + x.v, n: acc.n + 1 }),
            getResult: (acc: { sum: number; n: number }) => acc.sum / acc.n,
            merge: (a: { sum: number; n: number }, b: { sum: number; n: number }) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
          })
          .sinkTo(s),
    );
    expect(avg).toEqual([5]);
    const described = await collect<string>(
      (env, s) =>
        void windowed(env)
          .reduce(
            (a, b) => ({ ...a, v: Math.max(a.v, b.v) }),
            (key, ctx, maxes, out) => out.collect(`${key} [${ctx.window.start},${ctx.window.end}) max=${[...maxes][0].v}`),
          )
          .sinkTo(s),
    );
    expect(described).toEqual(['s [0,1000) max=9']);
  });

  it('does not mutate input records', async () => {
    const records = input.map((x) => ({ ...x }));
    await collect<Reading>((env, s) => void env.fromCollection(records).keyBy('sensor').sum('v').sinkTo(s));
    expect(records.map((x) => x.v)).toEqual([5, 3, 9, 3]);
  });
});
