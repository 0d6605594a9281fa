import {
  AggregateFunction,
  Collector,
  DataStream,
  KeyedOnTimerContext,
  KeyedProcessFunction,
  KeyedProcessFunctionContext,
  ListState,
  ListStateDescriptor,
  ProcessWindowContext,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  Time,
  TimeWindow,
  WatermarkStrategy,
} from '../../actors';
import { EventTimeSorter, hms, TimedLine } from '../common/EventTimeSorter';

export interface Order {
  readonly id: number;
  readonly product: string;
  readonly quantity: number;
  /** Event time, epoch ms. */
  readonly t: number;
}

export const PRODUCTS = ['headphones', 'keyboard', 'monitor', 'mouse', 'webcam', 'charger', 'laptop stand', 'usb hub'];
/** The sale opens at 12:00:00 UTC and lasts two minutes. */
export const SALE_START = Date.UTC(2026, 10, 27, 12, 0, 0);
export const SALE_MS = 120_000;

/**
 * Order i of `count`: orders come faster as the sale goes on (t grows as the square root of i)
 * and up to 1.5 s out of order; the product mix drifts from accessories to big items.
 * Deterministic: the same i always gives the same order.
 */
export function generateOrder(i: number, count: number): Order {
  const h = hash(i);
  const base = SALE_START + Math.floor(SALE_MS * Math.sqrt(i / count));
  const jitter = h % 1500;
  const drift = Math.floor((i / count) * 4);
  const product = PRODUCTS[(h >>> 8) % 4 === 0 ? (h >>> 12) % PRODUCTS.length : (drift + ((h >>> 16) % 4)) % PRODUCTS.length];
  return { id: i, product, quantity: 1 + ((h >>> 20) % 3), t: Math.max(SALE_START, base - jitter) };
}

function hash(i: number): number {
  let x = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Counts orders (an incremental aggregate: one number per window, no buffering). */
class CountOrders implements AggregateFunction<Order, number, number> {
  createAccumulator(): number {
    return 0;
  }
  add(_o: Order, n: number): number {
    return n + 1;
  }
  getResult(n: number): number {
    return n;
  }
  merge(a: number, b: number): number {
    return a + b;
  }
}

/** Units sold per product and window. */
class SumQuantity implements AggregateFunction<Order, number, number> {
  createAccumulator(): number {
    return 0;
  }
  add(o: Order, n: number): number {
    return n + o.quantity;
  }
  getResult(n: number): number {
    return n;
  }
  merge(a: number, b: number): number {
    return a + b;
  }
}

interface ProductCount {
  readonly product: string;
  readonly units: number;
  readonly windowEnd: number;
}

/** Flink's "hot items": gathers each window's counts and, once the watermark passes its end, keeps the top 3. */
class TopProducts extends KeyedProcessFunction<number, ProductCount, TimedLine> {
  private counts!: ListState<ProductCount>;

  constructor(private readonly n: number) {
    super();
  }

  override open(): void {
    this.counts = this.getRuntimeContext().getListState(new ListStateDescriptor<ProductCount>('counts'));
  }

  processElement(c: ProductCount, ctx: KeyedProcessFunctionContext<number>): void {
    this.counts.add(c);
    ctx.timerService().registerEventTimeTimer(c.windowEnd);
  }

  override onTimer(windowEnd: number, _ctx: KeyedOnTimerContext<number>, out: Collector<TimedLine>): void {
    const top = [...this.counts.get()].sort((a, b) => b.units - a.units || a.product.localeCompare(b.product)).slice(0, this.n);
    this.counts.clear();
    const text = top.map((c, i) => `${i + 1}. ${c.product} (${c.units})`).join(', ');
    out.collect({ t: windowEnd, text: `${hms(windowEnd - 60_000)}-${hms(windowEnd)} top ${this.n}: ${text}` });
  }
}

/**
 * The flash-sale dashboard: orders per second (sliding 10 s windows every 5 s, an aggregate
 * combined with a process window function for the window's end), and the top 3 products per
 * minute (sliding 1 min windows every 30 s, then a keyed process function with timers), in
 * event-time order.
 */
export function defineOrdersJob(env: StreamExecutionEnvironment, options: { count?: number; parallelism?: number } = {}): DataStream<string> {
  const count = options.count ?? 3000;
  env.setParallelism(options.parallelism ?? 2);
  const orders = env
    .fromGenerator((i) => generateOrder(i, count), count)
    .name('Orders')
    .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<Order>(Time.milliseconds(1500)).withTimestampAssigner((o) => o.t));

  const rate = orders
    .keyBy(() => 'sale')
    .window(SlidingEventTimeWindows.of(Time.seconds(10), Time.seconds(5)))
    .aggregate(
      new CountOrders(),
      function ordersPerSecond(_k: string, ctx: ProcessWindowContext<TimeWindow>, counts: Iterable<number>, out: Collector<TimedLine>) {
        const [n] = counts;
        const w = ctx.window;
        out.collect({ t: w.end, text: `${hms(w.start)}-${hms(w.end)} ${(n / 10).toFixed(1)} orders/s` });
      },
    );

  const top3 = orders
    .keyBy('product')
    .window(SlidingEventTimeWindows.of(Time.minutes(1), Time.seconds(30)))
    .aggregate(
      new SumQuantity(),
      function unitsPerProduct(product: string, ctx: ProcessWindowContext<TimeWindow>, units: Iterable<number>, out: Collector<ProductCount>) {
        const [n] = units;
        out.collect({ product, units: n, windowEnd: ctx.window.end });
      },
    )
    .keyBy('windowEnd')
    .process(new TopProducts(3));

  return rate
    .union(top3)
    .keyBy(() => 'report')
    .process(new EventTimeSorter())
    .name('Report')
    .setParallelism(1);
}
