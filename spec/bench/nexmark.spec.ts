import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { CollectSink } from '../../lib/connectors/sink/CollectSink';
import { Bid, isBid, NexmarkEvent } from '../../bench/nexmark/model';
import { NexmarkGenerator } from '../../bench/nexmark/NexmarkGenerator';
import { defineNexmarkQuery, NexmarkQuery } from '../../bench/nexmark/queries';

const EVENTS = 30_000;
const generator = new NexmarkGenerator();
const events: NexmarkEvent[] = Array.from({ length: EVENTS }, (_, n) => generator.event(n));
const bids = events.filter(isBid);

async function run(query: NexmarkQuery, parallelism = 1): Promise<unknown[]> {
  const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism });
  const sink = new CollectSink<unknown>();
  defineNexmarkQuery(query, env, EVENTS, sink);
  await env.execute(query);
  return sink.values;
}

const byJson = (xs: unknown[]): string[] => xs.map((x) => JSON.stringify(x)).sort();

describe('the Nexmark benchmark generator (NEXMARK.md)', () => {
  it('is a pure function of the event number, with the 2/6/92 % mix and 10 000 events/s of event time', () => {
    expect(new NexmarkGenerator().event(12_345)).toEqual(events[12_345]);
    expect(events.filter((e) => e.kind === 'person')).toHaveLength(EVENTS / 50);
    expect(events.filter((e) => e.kind === 'auction')).toHaveLength((EVENTS / 50) * 3);
    expect(events[10_000].dateTime - events[0].dateTime).toBe(1000);
  });

  it('draws bids for known auctions and people, half of them on hot auctions, prices from 1 $ to 1 M $', () => {
    const maxAuction = Math.max(...events.filter((e) => e.kind === 'auction').map((e) => (e.kind === 'auction' ? e.id : 0)));
    expect(bids.every((b) => b.auction >= 1000 && b.auction <= maxAuction + 10)).toBe(true);
    expect(bids.every((b) => b.price >= 100 && b.price <= 100_000_000)).toBe(true);
    const hot = bids.filter((b) => (b.auction - 1000) % 100 === 0).length / bids.length;
    expect(hot).toBeGreaterThan(0.45);
  });
});

describe('the Nexmark queries as brook jobs', () => {
  it('q1 converts prices and q2 selects auctions divisible by 123', async () => {
    expect(await run('q1')).toHaveLength(bids.length);
    const q2 = (await run('q2')) as Array<{ auction: number; price: number }>;
    expect(byJson(q2)).toEqual(byJson(bids.filter((b) => b.auction % 123 === 0).map((b) => ({ auction: b.auction, price: b.price }))));
  });

  it('q5 finds the auctions with the most bids in every 10 s window sliding by 2 s, at any parallelism', async () => {
    const expected: Array<{ auction: number; count: number; windowEnd: number }> = [];
    const ends = new Set(bids.flatMap((b) => [0, 1, 2, 3, 4].map((k) => b.dateTime - (b.dateTime % 2000) + 2000 * (k + 1))));
    for (const end of [...ends].sort((a, b) => a - b)) {
      const counts = new Map<number, number>();
      for (const b of bids) if (b.dateTime >= end - 10_000 && b.dateTime < end) counts.set(b.auction, (counts.get(b.auction) ?? 0) + 1);
      const max = Math.max(...counts.values());
      for (const [auction, count] of counts) if (count === max) expected.push({ auction, count, windowEnd: end });
    }
    expect(byJson(await run('q5'))).toEqual(byJson(expected));
    expect(byJson(await run('q5', 3))).toEqual(byJson(expected));
  });

  it('q7 emits the highest bid of every 10 s window', async () => {
    const best = new Map<number, Bid>();
    for (const b of bids) {
      const end = b.dateTime - (b.dateTime % 10_000) + 10_000;
      const cur = best.get(end);
      if (!cur || b.price > cur.price || (b.price === cur.price && b.dateTime < cur.dateTime)) best.set(end, b);
    }
    const expected = [...best].map(([windowEnd, b]) => ({ windowEnd, auction: b.auction, price: b.price, bidder: b.bidder }));
    expect(byJson(await run('q7'))).toEqual(byJson(expected));
    expect(byJson(await run('q7', 2))).toEqual(byJson(expected));
  });
});
