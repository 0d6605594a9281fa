import { Collector } from '../../lib/core/functions';
import { CoProcessFunction, KeyedCoProcessFunction } from '../../lib/core/process/CoFunctions';
import { KeyedOnTimerContext, KeyedProcessFunctionContext, ProcessFunctionContext } from '../../lib/core/process/ProcessFunction';
import { CollectSink } from '../../lib/connectors/sink/CollectSink';
import { MapState, ValueState } from '../../lib/core/state/State';
import { MapStateDescriptor, ValueStateDescriptor } from '../../lib/core/state/StateDescriptor';
import { Time } from '../../lib/core/Time';
import { WatermarkStrategy } from '../../lib/time/WatermarkStrategy';
import { JobHarness } from '../harness/JobHarness';
import { OperatorHarness } from '../harness/OperatorHarness';
import { harnessOf, operatorOf } from '../harness/operatorOf';
import { TestSource } from '../harness/TestSource';
import { DataStream } from '../../lib/api/DataStream';

interface Order {
  user: string;
  amount: number;
  t: number;
}
interface Limit {
  user: string;
  max: number;
  t: number;
}

/** Checks orders against each user's limit; reports the user's total one second after their first order. */
class LimitCheck extends KeyedCoProcessFunction<string, Order, Limit, string> {
  private limit!: ValueState<number>;
  private total!: ValueState<number>;

  override open(): void {
    this.limit = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('limit', 100));
    this.total = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('total', 0));
  }

  processElement1(o: Order, ctx: KeyedProcessFunctionContext<string>, out: Collector<string>): void {
    if (this.total.value() === 0) ctx.timerService().registerEventTimeTimer(o.t + 1000);
    this.total.update(this.total.value()! + o.amount);
    if (o.amount > this.limit.value()!) out.collect(`${o.user} over limit: ${o.amount} > ${this.limit.value()}`);
  }

  processElement2(l: Limit): void {
    this.limit.update(l.max);
  }

  override onTimer(ts: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>): void {
    out.collect(`${ctx.getCurrentKey()} total ${this.total.value()} at ${ts}`);
    this.total.clear();
  }
}

const ordersAndLimits = (a: DataStream<Order>, b: DataStream<Limit>) =>
  a.connect(b).keyBy(
    (o) => o.user,
    (l) => l.user,
  );

describe('connect: two-input operators', () => {
  it('CoMap and CoFlatMap call the function of the input the element came from, keeping timestamps', () => {
    const m = harnessOf<number, string>((s) => s.connect(s.map((n) => `${n}`)).map({ map1: (n) => `int ${n}`, map2: (t) => `text ${t}` })).open();
    m.element1(1, 10).element2('x', 20);
    expect(m.records()).toEqual([
      { value: 'int 1', timestamp: 10 },
      { value: 'text x', timestamp: 20 },
    ]);
    expect(m.operator.name).toBe('Co-Map');
    const f = harnessOf<number, number>((s) =>
      s.connect(s).flatMap({ flatMap1: (n, out) => [1, 2].forEach((k) => out.collect(n * k)), flatMap2: () => undefined }),
    ).open();
    f.element1(5, 1).element2(7, 2);
    expect(f.values()).toEqual([5, 10]);
    expect(f.operator.name).toBe('Co-Flat Map');
  });

  it("the operator's watermark is the minimum of both inputs, and only rises", () => {
    const h = harnessOf<number, number>((s) => s.connect(s).map({ map1: (n) => n, map2: (n) => n })).open();
    h.watermark1(100);
    expect(h.watermarks()).toEqual([]);
    h.watermark2(50);
    expect(h.watermarks()).toEqual([50]);
    h.watermark2(300);
    expect(h.watermarks()).toEqual([50, 100]);
    h.watermark1(200).watermark1(150);
    expect(h.watermarks()).toEqual([50, 100, 200]);
  });

  it('an idle input is left out of the minimum; both idle makes the operator idle', () => {
    const h = harnessOf<number, number>((s) => s.connect(s).map({ map1: (n) => n, map2: (n) => n })).open();
    h.watermark1(100).watermark2(10);
    h.status2('IDLE'); // input 2 idle: the watermark follows input 1 alone
    h.watermark1(200);
    h.status1('IDLE'); // both idle: the operator goes idle
    h.status2('ACTIVE').watermark2(500); // input 1 still idle: input 2 alone drives the watermark
    expect(h.events.filter((e) => e.kind !== 'record')).toEqual([
      { kind: 'watermark', watermark: 10 },
      { kind: 'watermark', watermark: 100 },
      { kind: 'watermark', watermark: 200 },
      { kind: 'status', status: 'IDLE' },
      { kind: 'status', status: 'ACTIVE' },
      { kind: 'watermark', watermark: 500 },
    ]);
  });

  it("KeyedCoProcessFunction: both inputs share a key's state; timers fire on the combined watermark", () => {
    const h = harnessOf<Order, string>((s) =>
      ordersAndLimits(
        s,
        s.map((o) => ({ user: o.user, max: o.amount, t: o.t })),
      ).process(new LimitCheck()),
    ).open();
    expect(h.operator.name).toBe('Co-Keyed-Process');
    h.element1({ user: 'ann', amount: 150, t: 0 }, 0);
    h.element2({ user: 'ann', max: 500, t: 1 }, 1);
    h.element1({ user: 'ann', amount: 200, t: 2 }, 2).element1({ user: 'bob', amount: 50, t: 3 }, 3);
    h.watermark1(5000);
    expect(h.values()).toEqual(['ann over limit: 150 > 100']);
    h.watermark2(1002);
    expect(h.values()).toEqual(['ann over limit: 150 > 100', 'ann total 350 at 1000']);
    const restored = new OperatorHarness<Order, string>(
      operatorOf<Order, string>((s) =>
        ordersAndLimits(
          s,
          s.map((o) => ({ user: o.user, max: o.amount, t: o.t })),
        ).process(new LimitCheck()),
      )(),
    )
      .initializeState(h.snapshot())
      .open();
    restored.watermark1(9999).watermark2(9999);
    expect(restored.values()).toEqual(['bob total 50 at 1003']);
  });

  it('CoProcessFunction on non-keyed inputs sees timestamps and watermarks', () => {
    class Tag extends CoProcessFunction<number, number, string> {
      processElement1(v: number, ctx: ProcessFunctionContext, out: Collector<string>): void {
        out.collect(`1:${v}@${ctx.timestamp()} wm ${ctx.timerService().currentWatermark()}`);
      }
      processElement2(v: number, ctx: ProcessFunctionContext, out: Collector<string>): void {
        out.collect(`2:${v}@${ctx.timestamp()}`);
      }
    }
    const h = harnessOf<number, string>((s) => s.connect(s).process(new Tag())).open();
    h.watermark1(5).watermark2(7).element1(1, 10).element2(2, 11);
    expect(h.values()).toEqual(['1:1@10 wm 5', '2:2@11']);
    expect(h.operator.name).toBe('Co-Process');
  });

  it('a KeyedCoProcessFunction needs both inputs keyed', () => {
    expect(() => operatorOf<Order, string>((s) => s.connect(s.map((o) => ({ user: o.user, max: 1, t: 0 }))).process(new LimitCheck()))).toThrow(
      /both input streams are of type KeyedStream/,
    );
  });
});

describe('connect in a running job (two inputs over the network)', () => {
  it('routes each channel to its input and combines the watermarks of both, at parallelism 2', async () => {
    const h = new JobHarness({ parallelism: 2 });
    const orders = new TestSource<Order>();
    const limits = new TestSource<Limit>();
    const out = new CollectSink<string>();
    const o = h.env.fromSource(
      orders,
      WatermarkStrategy.forMonotonousTimestamps<Order>().withTimestampAssigner((x) => x.t),
      'Orders',
    );
    const l = h.env.fromSource(
      limits,
      WatermarkStrategy.forMonotonousTimestamps<Limit>().withTimestampAssigner((x) => x.t),
      'Limits',
    );
    ordersAndLimits(o, l).process(new LimitCheck()).sinkTo(out);
    await h.start();
    limits.emit({ user: 'bob', max: 10, t: 5 });
    await h.settle();
    orders.emit({ user: 'ann', amount: 150, t: 0 }, { user: 'bob', amount: 20, t: 10 }, { user: 'ann', amount: 1, t: 3000 });
    await h.advance(400);
    // Orders are at 2999, limits only at 4: no timer (1000, 1010) is due yet.
    expect([...out.values].sort()).toEqual(['ann over limit: 150 > 100', 'bob over limit: 20 > 10']);
    limits.emit({ user: 'bob', max: 10, t: 2000 });
    await h.advance(400);
    // ann's order at 3000 was already in the total when the limits input let the timer fire.
    expect([...out.values].sort()).toEqual(['ann over limit: 150 > 100', 'ann total 151 at 1000', 'bob over limit: 20 > 10', 'bob total 20 at 1010']);
    orders.emit({ user: 'cat', amount: 1, t: 3500 });
    orders.end();
    limits.end();
    await h.result(); // both inputs end with the maximum watermark: cat's timer fires
    expect(out.values).toContain('cat total 1 at 4500');
    await h.close();
  });

  it('an idle input (withIdleness) stops holding the watermark back, end to end', async () => {
    const h = new JobHarness({ parallelism: 1 });
    const orders = new TestSource<Order>();
    const limits = new TestSource<Limit>();
    const out = new CollectSink<string>();
    const o = h.env.fromSource(
      orders,
      WatermarkStrategy.forMonotonousTimestamps<Order>().withTimestampAssigner((x) => x.t),
      'Orders',
    );
    const l = h.env.fromSource(
      limits,
      WatermarkStrategy.forMonotonousTimestamps<Limit>()
        .withTimestampAssigner((x) => x.t)
        .withIdleness(Time.seconds(1)),
      'Limits',
    );
    ordersAndLimits(o, l).process(new LimitCheck()).sinkTo(out);
    await h.start();
    limits.emit({ user: 'ann', max: 1000, t: 0 });
    orders.emit({ user: 'ann', amount: 5, t: 100 }, { user: 'ann', amount: 5, t: 5000 });
    await h.advance(600);
    expect(out.values).toEqual([]); // the limits input is at -1 and not idle yet
    await h.advance(2000); // no limits for > 1 s of processing time: that input goes idle
    expect(out.values).toEqual(['ann total 10 at 1100']);
    await h.close();
  });
});

describe('MapState in a keyed co-process function', () => {
  it('keeps a per-key map across both inputs', () => {
    class Catalog extends KeyedCoProcessFunction<string, { shop: string; sku: string; price: number }, { shop: string; sku: string }, string> {
      private prices!: MapState<string, number>;
      override open(): void {
        this.prices = this.getRuntimeContext().getMapState(new MapStateDescriptor<string, number>('prices'));
      }
      processElement1(p: { shop: string; sku: string; price: number }): void {
        this.prices.put(p.sku, p.price);
      }
      processElement2(q: { shop: string; sku: string }, _ctx: KeyedProcessFunctionContext<string>, out: Collector<string>): void {
        out.collect(`${q.shop}/${q.sku}: ${this.prices.get(q.sku) ?? 'unknown'} (${[...this.prices.keys()].length} skus)`);
      }
    }
    type P = { shop: string; sku: string; price: number };
    const h = harnessOf<P, string>((s) =>
      s
        .connect(s.map((p) => ({ shop: p.shop, sku: p.sku })))
        .keyBy(
          (p) => p.shop,
          (q) => q.shop,
        )
        .process(new Catalog()),
    ).open();
    h.element1({ shop: 'a', sku: 'tea', price: 3 }).element1({ shop: 'a', sku: 'mug', price: 8 }).element1({ shop: 'b', sku: 'tea', price: 4 });
    h.element2({ shop: 'a', sku: 'tea' }).element2({ shop: 'b', sku: 'mug' });
    expect(h.values()).toEqual(['a/tea: 3 (2 skus)', 'b/mug: unknown (1 skus)']);
  });
});
