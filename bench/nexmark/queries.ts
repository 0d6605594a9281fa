import {
  AggregateFunction,
  DataStream,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  Time,
  TimeWindow,
  TumblingEventTimeWindows,
  WatermarkStrategy,
} from '../../actors';
import { DataGeneratorSource } from '../../lib/connectors/source/DataGeneratorSource';
import { Sink } from '../../lib/connectors/sink/SinkFunction';
import { Bid, isBid, NexmarkEvent } from './model';
import { DEFAULT_NEXMARK_CONFIG, NexmarkGenerator } from './NexmarkGenerator';

export type NexmarkQuery = 'q0' | 'q1' | 'q2' | 'q5' | 'q7';

/** Flink's published Nexmark throughput per core (Flink 1.13, NEXMARK.md), events/s. */
export const FLINK_PER_CORE: Record<NexmarkQuery, number> = {
  q0: 155_000,
  q1: 158_000,
  q2: 175_000,
  q5: 22_000,
  q7: 12_000,
};

/** Event time with Nexmark's watermark: dateTime - 4 s. */
const NEXMARK_WATERMARKS = WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(Time.seconds(4)).withTimestampAssigner((e) => e.dateTime);

/** The generated event stream: `events` events, produced in parallel by the source subtasks. */
export function nexmarkSource(env: StreamExecutionEnvironment, events: number): DataStream<NexmarkEvent> {
  const generator = new NexmarkGenerator(DEFAULT_NEXMARK_CONFIG);
  const source = new DataGeneratorSource<NexmarkEvent>((n) => generator.event(n), events, { name: 'Nexmark Source' });
  return env.fromSource(source, NEXMARK_WATERMARKS, 'Nexmark Source');
}

/** One query's result, written to `sink`. */
export function defineNexmarkQuery(query: NexmarkQuery, env: StreamExecutionEnvironment, events: number, sink: Sink<unknown>): void {
  const bids = nexmarkSource(env, events)
    .filter(isBid)
    .map((e) => e as Bid);
  switch (query) {
    case 'q0': // pass-through
      bids.map((b) => b).sinkTo(sink as Sink<Bid>);
      break;
    case 'q1': // currency conversion
      bids.map((b) => ({ auction: b.auction, bidder: b.bidder, price: b.price * 0.908, dateTime: b.dateTime })).sinkTo(sink as Sink<unknown>);
      break;
    case 'q2': // selection
      bids
        .filter((b) => b.auction % 123 === 0)
        .map((b) => ({ auction: b.auction, price: b.price }))
        .sinkTo(sink as Sink<unknown>);
      break;
    case 'q5': // hot items: bids per auction in 10 s windows sliding by 2 s, then the auctions with the most per window
      bids
        .keyBy('auction')
        .window(SlidingEventTimeWindows.of(Time.seconds(10), Time.seconds(2)))
        .aggregate<number, number, AuctionCount>(COUNT, (auction, ctx, counts, out) => {
          for (const count of counts) out.collect({ auction, count, windowEnd: (ctx.window as TimeWindow).end });
        })
        // A result carries its window's maxTimestamp (end - 1): the 2 s tumbling window ending at
        // the same end holds exactly the results of one sliding window.
        .keyBy('windowEnd')
        .window(TumblingEventTimeWindows.of(Time.seconds(2)))
        .process<AuctionCount>((_windowEnd, _ctx, results, out) => {
          let max = 0;
          for (const r of results) if (r.count > max) max = r.count;
          for (const r of results) if (r.count === max) out.collect(r);
        })
        .sinkTo(sink as Sink<unknown>);
      break;
    case 'q7': // highest bid per 10 s window: per-auction maxima, then the maximum of the window
      bids
        .keyBy('auction')
        .window(TumblingEventTimeWindows.of(Time.seconds(10)))
        .reduce(higherBid)
        .keyBy((b) => Math.floor(b.dateTime / 10_000))
        .window(TumblingEventTimeWindows.of(Time.seconds(10)))
        .reduce(higherBid, (_k, ctx, bids: Iterable<Bid>, out) => {
          for (const b of bids) out.collect({ windowEnd: (ctx.window as TimeWindow).end, auction: b.auction, price: b.price, bidder: b.bidder });
        })
        .sinkTo(sink as Sink<unknown>);
      break;
  }
}

interface AuctionCount {
  readonly auction: number;
  readonly count: number;
  readonly windowEnd: number;
}

const COUNT: AggregateFunction<Bid, number, number> = {
  createAccumulator: () => 0,
  add: (_bid, n) => n + 1,
  getResult: (n) => n,
  merge: (a, b) => a + b,
};

/** The higher bid; on equal prices the earlier one (a deterministic maximum). */
function higherBid(a: Bid, b: Bid): Bid {
  return b.price > a.price || (b.price === a.price && b.dateTime < a.dateTime) ? b : a;
}
