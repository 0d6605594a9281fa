import { Collector } from '../../lib/core/functions';
import { OutputTag } from '../../lib/core/OutputTag';
import {
  BroadcastContext,
  BroadcastProcessFunction,
  BroadcastReadOnlyContext,
  KeyedBroadcastContext,
  KeyedBroadcastOnTimerContext,
  KeyedBroadcastProcessFunction,
  KeyedBroadcastReadOnlyContext,
} from '../../lib/core/process/BroadcastProcessFunction';
import { ProcessJoinContext, ProcessJoinFunction } from '../../lib/core/process/ProcessJoinFunction';
import { CollectSink } from '../../lib/connectors/sink/CollectSink';
import { MapStateDescriptor, ValueStateDescriptor } from '../../lib/core/state/StateDescriptor';
import { ValueState } from '../../lib/core/state/State';
import { Time } from '../../lib/core/Time';
import { WatermarkStrategy } from '../../lib/time/WatermarkStrategy';
import { TumblingEventTimeWindows } from '../../lib/windowing/assigners/TumblingEventTimeWindows';
import { runBoundedJob } from '../harness/JobHarness';
import { OperatorHarness } from '../harness/OperatorHarness';
import { harnessOf, operatorOf } from '../harness/operatorOf';

interface Order {
  id: string;
  user: string;
  t: number;
}
interface Payment {
  order: string;
  amount: number;
  t: number;
}

const ts = <T extends { t: number }>() => WatermarkStrategy.forMonotonousTimestamps<T>().withTimestampAssigner((x) => x.t);

describe('window join and coGroup', () => {
  it("joins every pair with equal keys in the same window; the plan is Flink's (map, map, union, window)", async () => {
    const out = new CollectSink<string>();
    let plan = '';
    await runBoundedJob(
      (env) => {
        const orders = env
          .fromElements<Order>({ id: 'o1', user: 'ann', t: 100 }, { id: 'o2', user: 'bob', t: 1500 }, { id: 'o3', user: 'ann', t: 200 })
          .assignTimestampsAndWatermarks(ts<Order>());
        const payments = env
          .fromElements<Payment>(
            { order: 'o1', amount: 5, t: 900 },
            { order: 'o1', amount: 7, t: 950 },
            { order: 'o2', amount: 3, t: 2500 },
            { order: 'o3', amount: 1, t: 1200 },
          )
          .assignTimestampsAndWatermarks(ts<Payment>());
        orders
          .join(payments)
          .where((o) => o.id)
          .equalTo((p) => p.order)
          .window(TumblingEventTimeWindows.of(Time.seconds(1)))
          .apply((o, p) => `${o.id}/${o.user} paid ${p.amount}`)
          .sinkTo(out);
        plan = env
          .getJobGraph()
          .vertices.map((v) => v.name)
          .join(' | ');
      },
      { parallelism: 2 },
    );
    expect([...out.values].sort()).toEqual(['o1/ann paid 5', 'o1/ann paid 7']); // o2 and o3 paid in another window
    expect(plan).toContain('Window(TumblingEventTimeWindows(1000), EventTimeTrigger, CoGroupWindowFunction)');
  });

  it('coGroup gives each side of a key and window, also when one side is empty', async () => {
    const out = new CollectSink<string>();
    await runBoundedJob((env) => {
      const a = env
        .fromElements<Order>({ id: 'x', user: 'ann', t: 1 }, { id: 'y', user: 'ann', t: 2 }, { id: 'z', user: 'cat', t: 3 })
        .assignTimestampsAndWatermarks(ts<Order>());
      const b = env.fromElements<Payment>({ order: 'ann', amount: 1, t: 5 }, { order: 'bob', amount: 2, t: 6 }).assignTimestampsAndWatermarks(ts<Payment>());
      a.coGroup(b)
        .where((o) => o.user)
        .equalTo((p) => p.order)
        .window(TumblingEventTimeWindows.of(1000))
        .apply<string>((os, ps, o) => o.collect(`${os.map((x) => x.id).join('')}|${ps.map((p) => p.amount).join('')}`))
        .sinkTo(out);
    });
    expect([...out.values].sort()).toEqual(['xy|1', 'z|', '|2']);
  });
});

class PairUp extends ProcessJoinFunction<Order, Payment, string> {
  processElement(o: Order, p: Payment, ctx: ProcessJoinContext, out: Collector<string>): void {
    out.collect(`${o.id}+${p.amount} @${ctx.getTimestamp()} (${ctx.getLeftTimestamp()},${ctx.getRightTimestamp()})`);
  }
}

describe('interval join', () => {
  const factory = (lowerExclusive = false, upperExclusive = false) =>
    operatorOf<Order, string>((s) => {
      const joined = s
        .keyBy('id')
        .intervalJoin(s.map((o) => ({ order: o.id, amount: 0, t: o.t })).keyBy('order'))
        .between(-100, 200);
      if (lowerExclusive) joined.lowerBoundExclusive();
      if (upperExclusive) joined.upperBoundExclusive();
      return joined.process(new PairUp());
    });

  it('joins right elements in [t + lower, t + upper] of the left element, in both arrival orders', () => {
    const h = new OperatorHarness<Order, string>(factory()()).open();
    expect(h.operator.name).toBe('Interval Join');
    h.element2({ order: 'o', amount: 1, t: 850 }, 850); // before the left element arrives: t - 150, outside
    h.element2({ order: 'o', amount: 2, t: 900 }, 900); // t - 100: inside (inclusive)
    h.element1({ id: 'o', user: 'a', t: 1000 }, 1000);
    h.element2({ order: 'o', amount: 3, t: 1200 }, 1200); // t + 200: inside
    h.element2({ order: 'o', amount: 4, t: 1201 }, 1201); // outside
    h.element2({ order: 'p', amount: 5, t: 1000 }, 1000); // other key
    expect(h.records()).toEqual([
      { value: 'o+2 @1000 (1000,900)', timestamp: 1000 },
      { value: 'o+3 @1200 (1000,1200)', timestamp: 1200 },
    ]);
  });

  it('exclusive bounds, late elements are not joined, buffers are cleaned up by timers', () => {
    const h = new OperatorHarness<Order, string>(factory(true, true)()).open();
    h.element1({ id: 'o', user: 'a', t: 1000 }, 1000);
    h.element2({ order: 'o', amount: 1, t: 900 }, 900).element2({ order: 'o', amount: 2, t: 1200 }, 1200).element2({ order: 'o', amount: 3, t: 1100 }, 1100);
    expect(h.values()).toEqual(['o+3 @1100 (1000,1100)']);
    h.watermark1(1300).watermark2(1300);
    h.element2({ order: 'o', amount: 4, t: 1250 }, 1250); // late: behind the watermark
    h.element2({ order: 'o', amount: 5, t: 1400 }, 1400); // the left element was cleaned up at 1000 + 199
    expect(h.values()).toEqual(['o+3 @1100 (1000,1100)']);
    const restored = new OperatorHarness<Order, string>(factory(true, true)()).initializeState(h.snapshot()).open();
    restored.element1({ id: 'o', user: 'a', t: 1350 }, 1350);
    expect(restored.values()).toEqual(['o+5 @1400 (1350,1400)']);
  });
});

interface Rule {
  name: string;
  max: number;
}
const rulesState = new MapStateDescriptor<string, Rule>('rules');

class CheckRules extends KeyedBroadcastProcessFunction<string, Order, Rule, string> {
  private count!: ValueState<number>;
  override open(): void {
    this.count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('count', 0));
  }
  processElement(o: Order, ctx: KeyedBroadcastReadOnlyContext<string>, out: Collector<string>): void {
    this.count.update(this.count.value()! + 1);
    for (const [, rule] of ctx.getBroadcastState(rulesState).entries()) {
      if (this.count.value()! > rule.max) out.collect(`${ctx.getCurrentKey()} breaks ${rule.name}`);
    }
  }
  processBroadcastElement(rule: Rule, ctx: KeyedBroadcastContext<string>, out: Collector<string>): void {
    ctx.getBroadcastState(rulesState).put(rule.name, rule);
    ctx.applyToKeyedState(new ValueStateDescriptor<number>('count', 0), (key, state) =>
      out.collect(`${rule.name} sees ${key}=${(state as ValueState<number>).value()}`),
    );
  }
}

describe('broadcast state pattern', () => {
  const factory = operatorOf<Order, string>((s) =>
    s
      .keyBy('user')
      .connect(s.map((o): Rule => ({ name: o.id, max: o.t })).broadcast(rulesState))
      .process(new CheckRules()),
  );

  it('the broadcast side writes the state, the keyed side reads it; applyToKeyedState visits every key', () => {
    const h = new OperatorHarness<Order, string>(factory()).open();
    expect(h.operator.name).toBe('Co-Process-Broadcast-Keyed');
    h.element1({ id: '1', user: 'ann', t: 0 }).element1({ id: '2', user: 'ann', t: 0 }).element1({ id: '3', user: 'bob', t: 0 });
    h.element2({ name: 'max1', max: 1 });
    h.element1({ id: '4', user: 'ann', t: 0 }).element1({ id: '5', user: 'bob', t: 0 });
    // applyToKeyedState goes through the keys in key-group order (bob's group comes before ann's).
    expect(h.values()).toEqual(['max1 sees bob=1', 'max1 sees ann=2', 'ann breaks max1', 'bob breaks max1']);
  });

  it('every new subtask gets the broadcast state on restore, at any parallelism', () => {
    const h = new OperatorHarness<Order, string>(factory()).open();
    h.element2({ name: 'max0', max: 0 });
    const snap = h.snapshot();
    for (const i of [0, 1, 2]) {
      const s = new OperatorHarness<Order, string>(factory(), { subtaskIndex: i, parallelism: 3 }).initializeState(snap).open();
      const user = Array.from({ length: 50 }, (_, n) => `user-${n}`).find((u) => operatorKeyGroupOwner(u, 3) === i)!;
      s.element1({ id: 'x', user, t: 0 });
      expect(s.values()).toEqual([`${user} breaks max0`]);
    }
  });

  it("a keyed function's timers fire with its key, the timer's time and domain, and the broadcast state", () => {
    class Remind extends KeyedBroadcastProcessFunction<string, Order, Rule, string> {
      processElement(o: Order, ctx: KeyedBroadcastReadOnlyContext<string>): void {
        ctx.timerService().registerEventTimeTimer(o.t + 100);
      }
      processBroadcastElement(rule: Rule, ctx: KeyedBroadcastContext<string>): void {
        ctx.getBroadcastState(rulesState).put(rule.name, rule);
      }
      override onTimer(time: number, ctx: KeyedBroadcastOnTimerContext<string>, out: Collector<string>): void {
        if (time === 666) throw new Error('no reminder at 666');
        out.collect(`${ctx.getCurrentKey()} at ${time} (${ctx.timeDomain()}): ${[...ctx.getBroadcastState(rulesState).keys()].join(',')}`);
      }
    }
    const remind = operatorOf<Order, string>((s) =>
      s
        .keyBy('user')
        .connect(s.map((o): Rule => ({ name: o.id, max: o.t })).broadcast(rulesState))
        .process(new Remind()),
    );
    const h = new OperatorHarness<Order, string>(remind()).open();
    h.element2({ name: 'max1', max: 1 }).element1({ id: '1', user: 'ann', t: 0 }, 0);
    h.watermark1(100).watermark2(100);
    expect(h.records()).toEqual([{ value: 'ann at 100 (EVENT_TIME): max1', timestamp: 100 }]);
    h.element1({ id: '2', user: 'bob', t: 566 }, 566);
    expect(() => h.watermark1(700).watermark2(700)).toThrow(/failed on record .*bob.*666.*EVENT_TIME.*no reminder at 666/);
  });

  it('a non-keyed BroadcastProcessFunction reads the rules; side outputs work from both sides', () => {
    const dropped = new OutputTag<string>('dropped');
    class Filter extends BroadcastProcessFunction<Order, Rule, Order> {
      processElement(o: Order, ctx: BroadcastReadOnlyContext, out: Collector<Order>): void {
        if (ctx.getBroadcastState(rulesState).contains(o.user)) ctx.output(dropped, o.id);
        else out.collect(o);
      }
      processBroadcastElement(r: Rule, ctx: BroadcastContext): void {
        ctx.getBroadcastState(rulesState).put(r.name, r);
      }
    }
    const h = harnessOf<Order, Order>((s) => s.connect(s.map((o): Rule => ({ name: o.user, max: 0 })).broadcast(rulesState)).process(new Filter())).open();
    expect(h.operator.name).toBe('Co-Process-Broadcast');
    h.element2({ name: 'bob', max: 0 }).element1({ id: '1', user: 'ann', t: 1 }, 1).element1({ id: '2', user: 'bob', t: 2 }, 2);
    expect(h.values().map((o) => o.id)).toEqual(['1']);
    expect(h.sideOutput(dropped)).toEqual([{ value: '2', timestamp: 2 }]);
  });
});

describe('union of any number of streams', () => {
  it('merges three streams of one type into one operator input', async () => {
    const out = new CollectSink<number>();
    await runBoundedJob(
      (env) => {
        const a = env.fromElements(1, 2);
        a.union(env.fromElements(10), env.fromElements(100, 200, 300))
          .map((n) => n * 2)
          .sinkTo(out);
      },
      { parallelism: 2 },
    );
    expect([...out.values].sort((x, y) => x - y)).toEqual([2, 4, 20, 200, 400, 600]);
  });
});

import { assignKeyToParallelOperator } from '../../lib/partitioners/keyGroups';
function operatorKeyGroupOwner(key: string, parallelism: number): number {
  return assignKeyToParallelOperator(key, 128, parallelism);
}
