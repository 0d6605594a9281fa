import fc from 'fast-check';
import { DataStream } from '../../lib/api/DataStream';
import { CollectSink } from '../../lib/connectors/sink/CollectSink';
import { CollectionSource } from '../../lib/connectors/source/CollectionSource';
import { Time } from '../../lib/core/Time';
import { WatermarkStrategy } from '../../lib/time/WatermarkStrategy';
import { EventTimeSessionWindows } from '../../lib/windowing/assigners/EventTimeSessionWindows';
import { SlidingEventTimeWindows } from '../../lib/windowing/assigners/SlidingEventTimeWindows';
import { TumblingEventTimeWindows } from '../../lib/windowing/assigners/TumblingEventTimeWindows';
import { WindowAssigner } from '../../lib/windowing/assigners/WindowAssigner';
import { TimeWindow } from '../../lib/windowing/windows/TimeWindow';
import { runBoundedJob } from '../harness/JobHarness';
import { OperatorHarness } from '../harness/OperatorHarness';
import { operatorOf } from '../harness/operatorOf';

interface Ev {
  key: string;
  n: number;
  t: number;
}

/** A window result as "key [start,end) sum". */
type Result = string;

// ---- the reference model: Flink's window formulas, written out plainly ----

function tumblingModel(events: Ev[], size: number): Result[] {
  const sums = new Map<string, number>();
  for (const e of events) {
    const start = e.t - (e.t % size);
    const id = `${e.key} [${start},${start + size})`;
    sums.set(id, (sums.get(id) ?? 0) + e.n);
  }
  return [...sums].map(([id, n]) => `${id} ${n}`).sort();
}

function slidingModel(events: Ev[], size: number, slide: number): Result[] {
  const sums = new Map<string, number>();
  for (const e of events) {
    for (let start = e.t - (e.t % slide); start > e.t - size; start -= slide) {
      const id = `${e.key} [${start},${start + size})`;
      sums.set(id, (sums.get(id) ?? 0) + e.n);
    }
  }
  return [...sums].map(([id, n]) => `${id} ${n}`).sort();
}

function sessionModel(events: Ev[], gap: number): Result[] {
  const out: Result[] = [];
  const byKey = new Map<string, Ev[]>();
  for (const e of events) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e]);
  for (const [key, list] of byKey) {
    list.sort((a, b) => a.t - b.t);
    let start = list[0].t;
    let end = list[0].t + gap;
    let sum = 0;
    for (const e of list) {
      if (e.t > end) {
        out.push(`${key} [${start},${end}) ${sum}`);
        start = e.t;
        sum = 0;
      }
      end = Math.max(end, e.t + gap);
      sum += e.n;
    }
    out.push(`${key} [${start},${end}) ${sum}`);
  }
  return out.sort();
}

// ---- inputs ----

const events = fc.array(
  fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd', 'e'), n: fc.integer({ min: 1, max: 9 }), t: fc.integer({ min: 0, max: 20_000 }) }),
  { minLength: 1, maxLength: 60 },
);

/**
 * The events in an arrival order within the out-of-orderness bound B: sorted by t + d with
 * 0 <= d <= B, so an element never arrives after one more than B later than itself, and a
 * bounded-out-of-orderness watermark never makes it late.
 */
function arrivalOrder(evs: Ev[], delays: number[]): Ev[] {
  return evs
    .map((e, i) => ({ e, key: e.t + delays[i % delays.length] }))
    .sort((x, y) => x.key - y.key)
    .map((x) => x.e);
}

const BOUND = 1000;

type Shape = { name: string; assigner: () => WindowAssigner<Ev, TimeWindow>; model: (evs: Ev[]) => Result[] };
const shapes: Shape[] = [
  { name: 'tumbling 1 s', assigner: () => TumblingEventTimeWindows.of(Time.seconds(1)), model: (evs) => tumblingModel(evs, 1000) },
  { name: 'sliding 3 s / 1 s', assigner: () => SlidingEventTimeWindows.of(Time.seconds(3), Time.seconds(1)), model: (evs) => slidingModel(evs, 3000, 1000) },
  { name: 'sessions, gap 500 ms', assigner: () => EventTimeSessionWindows.withGap(Time.milliseconds(500)), model: (evs) => sessionModel(evs, 500) },
];

const describeWindow = (s: DataStream<Ev>, assigner: WindowAssigner<Ev, TimeWindow>): DataStream<Result> =>
  s
    .keyBy('key')
    .window(assigner)
    .reduce(
      (a, b) => ({ key: a.key, n: a.n + b.n, t: a.t }),
      (key, ctx, sums, out) => out.collect(`${key} [${ctx.window.start},${ctx.window.end}) ${[...sums][0].n}`),
    );

describe('window results against a reference model (property tests)', () => {
  describe.each(shapes)('$name', ({ assigner, model }) => {
    it('in order and shuffled within the out-of-orderness bound: the same results as the model, nothing late', () => {
      const factory = operatorOf<Ev, Result>((s) => describeWindow(s, assigner()));
      fc.assert(
        fc.property(events, fc.array(fc.integer({ min: 0, max: BOUND }), { minLength: 1, maxLength: 60 }), (evs, delays) => {
          for (const order of [[...evs].sort((a, b) => a.t - b.t), arrivalOrder(evs, delays)]) {
            const h = new OperatorHarness<Ev, Result>(factory()).open();
            let max = Number.MIN_SAFE_INTEGER;
            for (const e of order) {
              h.element(e, e.t);
              max = Math.max(max, e.t);
              h.watermark(max - BOUND - 1); // Flink's BoundedOutOfOrdernessWatermarks, after each element
            }
            h.watermark(Number.MAX_SAFE_INTEGER);
            expect(h.metrics.numLateRecordsDropped).toBe(0);
            expect([...h.values()].sort()).toEqual(model(evs));
          }
        }),
        { numRuns: 60 },
      );
    });
  });

  it('a whole job gives the same window results at parallelism 1 and 3 (tumbling, sliding, sessions)', async () => {
    await fc.assert(
      fc.asyncProperty(events, fc.constantFrom(...shapes), async (evs, shape) => {
        const results: Result[][] = [];
        for (const parallelism of [1, 3]) {
          const sink = new CollectSink<Result>();
          await runBoundedJob(
            (env) => {
              const source = env.fromSource(
                new CollectionSource<Ev>([...evs].sort((a, b) => a.t - b.t)),
                WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.t),
                'Events',
              );
              describeWindow(source, shape.assigner()).sinkTo(sink);
            },
            { parallelism },
          );
          results.push([...sink.values].sort());
        }
        expect(results[0]).toEqual(shape.model(evs));
        expect(results[1]).toEqual(results[0]);
      }),
      { numRuns: 12 },
    );
  });
});
