import { DataStream } from '../../lib/api/DataStream';
import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { CollectSink } from '../../lib/connectors/sink/CollectSink';
import { CollectionSource } from '../../lib/connectors/source/CollectionSource';
import { ProcessJoinFunction } from '../../lib/core/process/ProcessJoinFunction';
import { Collector } from '../../lib/core/functions';
import { MapStateDescriptor } from '../../lib/core/state/StateDescriptor';
import { BroadcastProcessFunction } from '../../lib/core/process/BroadcastProcessFunction';
import { OutputTag } from '../../lib/core/OutputTag';
import { Time } from '../../lib/core/Time';
import { WatermarkStrategy } from '../../lib/time/WatermarkStrategy';
import { EventTimeSessionWindows } from '../../lib/windowing/assigners/EventTimeSessionWindows';
import { SlidingEventTimeWindows } from '../../lib/windowing/assigners/SlidingEventTimeWindows';
import { TumblingEventTimeWindows } from '../../lib/windowing/assigners/TumblingEventTimeWindows';
import { TumblingProcessingTimeWindows } from '../../lib/windowing/assigners/TumblingProcessingTimeWindows';
import { TestSource } from '../harness/TestSource';

interface Hit {
  ip: string;
  t: number;
}

const hits: Hit[] = [
  { ip: 'a', t: 1000 },
  { ip: 'a', t: 2000 },
];
const withTimestamps = WatermarkStrategy.forMonotonousTimestamps<Hit>().withTimestampAssigner((h) => h.t);
const env = (): StreamExecutionEnvironment => StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 1 });

/** keyBy ip, a 1 s tumbling event-time window counting hits, into a sink. */
function countPerSecond(stream: DataStream<Hit>): void {
  stream
    .map((h) => ({ ...h, n: 1 }))
    .keyBy('ip')
    .window(TumblingEventTimeWindows.of(Time.seconds(1)))
    .sum('n')
    .sinkTo(new CollectSink());
}

const TUMBLING = 'Window(TumblingEventTimeWindows(1000), EventTimeTrigger, SumAggregator, PassThroughWindowFunction)';

describe('an event-time operator without timestamps upstream is refused when the job graph is built', () => {
  it('fromElements into an event-time window: getStreamGraph, explain and execute all refuse it, naming the window and the source', async () => {
    const e = env();
    countPerSecond(e.fromElements(...hits));
    const message = `${TUMBLING} works on event time, but the records of source 'Collection Source' reach it without timestamps. Call assignTimestampsAndWatermarks(`;
    expect(() => e.getStreamGraph()).toThrow(message);
    expect(() => e.explain()).toThrow(message);
    expect(() => e.getExecutionPlan()).toThrow(message);
    await expect(e.execute()).rejects.toThrow(message);
  });

  it('passes with timestamps assigned upstream, through map, filter, keyBy and rebalance', () => {
    const e = env();
    countPerSecond(
      e
        .fromElements(...hits)
        .filter(() => true)
        .rebalance()
        .assignTimestampsAndWatermarks(withTimestamps),
    );
    expect(() => e.getStreamGraph()).not.toThrow();
  });

  it('passes with a source that attaches timestamps: fromSource with a timestamp assigner, or a reader that attaches them', () => {
    const a = env();
    countPerSecond(a.fromSource(new CollectionSource(hits), withTimestamps, 'Hits'));
    expect(() => a.getStreamGraph()).not.toThrow();
    const b = env();
    countPerSecond(b.fromSource(new TestSource<Hit>(), undefined, 'Test Source'));
    expect(() => b.getStreamGraph()).not.toThrow();
  });

  it('a watermark strategy without a timestamp assigner keeps the records without timestamps', () => {
    const a = env();
    countPerSecond(a.fromElements(...hits).assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Hit>()));
    expect(() => a.getStreamGraph()).toThrow(`${TUMBLING} works on event time`);
    const b = env();
    countPerSecond(b.fromSource(new CollectionSource(hits), WatermarkStrategy.forBoundedOutOfOrderness<Hit>(Time.seconds(1)), 'Hits'));
    expect(() => b.getStreamGraph()).toThrow("the records of source 'Hits' reach it without timestamps");
  });

  it('sliding and session event-time windows are checked; processing-time windows are not, and their results carry timestamps', () => {
    for (const assigner of [SlidingEventTimeWindows.of(Time.seconds(2), Time.seconds(1)), EventTimeSessionWindows.withGap(Time.seconds(1))]) {
      const e = env();
      e.fromElements(...hits)
        .keyBy('ip')
        .window(assigner)
        .reduce((a) => a)
        .sinkTo(new CollectSink());
      expect(() => e.getStreamGraph()).toThrow(`Window(${assigner.toString()}, EventTimeTrigger, ReduceFunction`);
    }
    const e = env();
    countPerSecond(
      e
        .fromElements(...hits)
        .keyBy('ip')
        .window(TumblingProcessingTimeWindows.of(Time.seconds(1)))
        .reduce((a) => a),
    );
    expect(() => e.getStreamGraph()).not.toThrow();
  });

  it('a union needs timestamps on every input; a two-input operator on one of them', () => {
    const u = env();
    const timed = u.fromSource(new CollectionSource(hits), withTimestamps, 'Timed');
    countPerSecond(timed.union(u.fromCollection(hits)));
    expect(() => u.getStreamGraph()).toThrow("the records of source 'Collection Source' reach it without timestamps");

    // Rules from a collection, broadcast to a timestamped stream: the function emits for the hits.
    const rules = new MapStateDescriptor<string, number>('rules');
    class Pass extends BroadcastProcessFunction<Hit, number, Hit> {
      processElement(h: Hit, _ctx: unknown, out: Collector<Hit>): void {
        out.collect(h);
      }
      processBroadcastElement(): void {}
    }
    const withRules = (e: StreamExecutionEnvironment, data: DataStream<Hit>): void =>
      countPerSecond(data.connect(e.fromElements(1, 2).broadcast(rules)).process(new Pass()));
    const c = env();
    withRules(c, c.fromSource(new CollectionSource(hits), withTimestamps, 'Timed'));
    expect(() => c.getStreamGraph()).not.toThrow();
    const d = env();
    withRules(d, d.fromElements(...hits));
    expect(() => d.getStreamGraph()).toThrow(`${TUMBLING} works on event time`);
  });

  it('an interval join needs timestamps on both inputs', () => {
    class Join extends ProcessJoinFunction<Hit, Hit, string> {
      processElement(l: Hit, r: Hit, _ctx: unknown, out: Collector<string>): void {
        out.collect(`${l.ip}${r.ip}`);
      }
    }
    const e = env();
    const timed = e.fromSource(new CollectionSource(hits), withTimestamps, 'Timed').keyBy('ip');
    timed
      .intervalJoin(e.fromElements(...hits).keyBy('ip'))
      .between(-1000, 1000)
      .process(new Join())
      .sinkTo(new CollectSink());
    expect(() => e.getStreamGraph()).toThrow("Interval Join works on event time, but the records of source 'Collection Source' reach it without timestamps");
  });

  it("a window's results and late data keep timestamps for an event-time window downstream", () => {
    const e = env();
    const late = new OutputTag<Hit>('late');
    const firstWindow = e
      .fromSource(new CollectionSource(hits), withTimestamps, 'Timed')
      .keyBy('ip')
      .window(TumblingEventTimeWindows.of(Time.seconds(1)))
      .sideOutputLateData(late)
      .reduce((a) => a);
    countPerSecond(firstWindow);
    countPerSecond(firstWindow.getSideOutput(late));
    expect(() => e.getStreamGraph()).not.toThrow();
  });
});
