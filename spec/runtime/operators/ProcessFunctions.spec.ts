import { Collector } from '../../../lib/core/functions';
import { OutputTag } from '../../../lib/core/OutputTag';
import {
  KeyedOnTimerContext,
  KeyedProcessFunction,
  KeyedProcessFunctionContext,
  ProcessFunction,
  ProcessFunctionContext,
} from '../../../lib/core/process/ProcessFunction';
import { ValueState } from '../../../lib/core/state/State';
import { ValueStateDescriptor } from '../../../lib/core/state/StateDescriptor';
import { NO_TIMESTAMP } from '../../../lib/time/Watermark';
import { OperatorHarness } from '../../harness/OperatorHarness';
import { harnessOf, operatorOf } from '../../harness/operatorOf';

interface Login {
  user: string;
  ok: boolean;
}

/** Flags a user with 3 failed logins, unless a successful one comes within 1 s (event time). */
class FailedLogins extends KeyedProcessFunction<string, Login, string> {
  static readonly suspicious = new OutputTag<string>('suspicious');
  private failures!: ValueState<number>;
  private deadline!: ValueState<number>;

  override open(): void {
    this.failures = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('failures', 0));
    this.deadline = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('deadline'));
  }

  processElement(login: Login, ctx: KeyedProcessFunctionContext<string>, out: Collector<string>): void {
    if (login.ok) {
      const d = this.deadline.value();
      if (d !== undefined) ctx.timerService().deleteEventTimeTimer(d);
      this.failures.clear();
      this.deadline.clear();
      out.collect(`${ctx.getCurrentKey()} ok at ${ctx.timestamp()}`);
      return;
    }
    this.failures.update(this.failures.value()! + 1);
    if (this.failures.value() === 1) {
      const d = ctx.timestamp()! + 1000;
      this.deadline.update(d);
      ctx.timerService().registerEventTimeTimer(d);
    }
    if (this.failures.value() === 3) ctx.output(FailedLogins.suspicious, `${login.user} x3`);
  }

  override onTimer(ts: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>): void {
    out.collect(`${ctx.getCurrentKey()} ${this.failures.value()} failures by ${ts} (${ctx.timeDomain()}, wm ${ctx.timerService().currentWatermark()})`);
    this.failures.clear();
    this.deadline.clear();
  }
}

describe('KeyedProcessFunction', () => {
  const factory = operatorOf<Login, string>((s) => s.keyBy('user').process(new FailedLogins()));

  it('keyed state, event-time timers (deleted, deduplicated), side outputs, timestamps', () => {
    const h = new OperatorHarness<Login, string>(factory()).open();
    expect(h.operator.name).toBe('KeyedProcess');
    h.element({ user: 'ann', ok: false }, 100).element({ user: 'bob', ok: false }, 150);
    h.element({ user: 'ann', ok: false }, 200).element({ user: 'ann', ok: false }, 300);
    h.element({ user: 'bob', ok: true }, 400); // deletes bob's timer
    h.watermark(1099);
    expect(h.records()).toEqual([{ value: 'bob ok at 400', timestamp: 400 }]);
    h.watermark(1100);
    expect(h.records()[1]).toEqual({ value: 'ann 3 failures by 1100 (EVENT_TIME, wm 1100)', timestamp: 1100 });
    expect(h.sideOutput(FailedLogins.suspicious)).toEqual([{ value: 'ann x3', timestamp: 300 }]);
    h.watermark(5000);
    expect(h.records()).toHaveLength(2); // bob's timer was deleted
  });

  it('timers fire in timestamp order across keys, and a timer registered twice fires once', () => {
    class Echo extends KeyedProcessFunction<string, { k: string; at: number }, string> {
      processElement(v: { k: string; at: number }, ctx: KeyedProcessFunctionContext<string>): void {
        ctx.timerService().registerEventTimeTimer(v.at);
        ctx.timerService().registerEventTimeTimer(v.at);
      }
      override onTimer(ts: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>): void {
        out.collect(`${ctx.getCurrentKey()}@${ts}`);
        if (ts === 5) ctx.timerService().registerEventTimeTimer(7); // due within the same watermark
      }
    }
    const h = harnessOf<{ k: string; at: number }, string>((s) => s.keyBy('k').process(new Echo())).open();
    h.element({ k: 'a', at: 30 }, 0).element({ k: 'b', at: 5 }, 0).element({ k: 'c', at: 20 }, 0).element({ k: 'a', at: 10 }, 0);
    h.watermark(100);
    expect(h.values()).toEqual(['b@5', 'b@7', 'a@10', 'c@20', 'a@30']);
  });

  it('a timer deleted, or fired, and then registered again for the same time fires again', () => {
    type Op = { k: string; op: 'register' | 'delete'; at: number };
    class Toggle extends KeyedProcessFunction<string, Op, string> {
      processElement(v: Op, ctx: KeyedProcessFunctionContext<string>): void {
        if (v.op === 'register') ctx.timerService().registerEventTimeTimer(v.at);
        else ctx.timerService().deleteEventTimeTimer(v.at);
      }
      override onTimer(ts: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>): void {
        out.collect(`${ctx.getCurrentKey()}@${ts}`);
      }
    }
    const h = harnessOf<Op, string>((s) => s.keyBy('k').process(new Toggle())).open();
    h.element({ k: 'a', op: 'register', at: 10 }, 0).element({ k: 'a', op: 'delete', at: 10 }, 0).element({ k: 'a', op: 'register', at: 10 }, 0);
    h.watermark(10);
    expect(h.values()).toEqual(['a@10']);
    // Already due when registered: fires at the next watermark.
    h.element({ k: 'a', op: 'register', at: 10 }, 11);
    h.watermark(11);
    expect(h.values()).toEqual(['a@10', 'a@10']);
  });

  it('processing-time timers fire on the clock, output without a timestamp', () => {
    class Reminder extends KeyedProcessFunction<string, string, string> {
      processElement(v: string, ctx: KeyedProcessFunctionContext<string>): void {
        ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 500);
      }
      override onTimer(ts: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>): void {
        out.collect(`${ctx.getCurrentKey()} ${ctx.timeDomain()} ${ts}`);
      }
    }
    const h = harnessOf<string, string>((s) => s.keyBy((v) => v).process(new Reminder())).open();
    h.setProcessingTime(1000);
    h.element('x', 5);
    h.advanceProcessingTime(499);
    expect(h.values()).toEqual([]);
    h.advanceProcessingTime(1);
    expect(h.records()).toEqual([{ value: 'x PROCESSING_TIME 1500', timestamp: NO_TIMESTAMP }]);
  });

  it('state and timers survive a snapshot and a restore into another parallelism', () => {
    const h = new OperatorHarness<Login, string>(factory()).open();
    h.element({ user: 'ann', ok: false }, 100).element({ user: 'bob', ok: false }, 100).element({ user: 'cat', ok: false }, 100);
    const snap = h.snapshot();
    const outs = [0, 1].map((i) => new OperatorHarness<Login, string>(factory(), { subtaskIndex: i, parallelism: 2 }).initializeState(snap).open());
    outs.forEach((o) => o.watermark(2000));
    expect(outs.flatMap((o) => o.values()).sort()).toEqual([
      'ann 1 failures by 1100 (EVENT_TIME, wm 2000)',
      'bob 1 failures by 1100 (EVENT_TIME, wm 2000)',
      'cat 1 failures by 1100 (EVENT_TIME, wm 2000)',
    ]);
  });

  it('each parallel instance works on its own copy of the function object', () => {
    const fn = new FailedLogins();
    const f = operatorOf<Login, string>((s) => s.keyBy('user').process(fn));
    const a = new OperatorHarness<Login, string>(f()).open();
    const b = new OperatorHarness<Login, string>(f()).open();
    a.element({ user: 'ann', ok: false }, 1);
    b.element({ user: 'ann', ok: true }, 2);
    a.watermark(5000);
    expect(a.values()).toEqual(['ann 1 failures by 1001 (EVENT_TIME, wm 5000)']);
    expect(() => fn.getRuntimeContext()).toThrow(/only available once the job runs/);
  });
});

describe('ProcessFunction (non-keyed)', () => {
  class Split extends ProcessFunction<number, number> {
    static readonly odd = new OutputTag<number>('odd');
    processElement(v: number, ctx: ProcessFunctionContext, out: Collector<number>): void {
      if (v % 2 === 0) out.collect(v);
      else ctx.output(Split.odd, v * 10);
      if (v === 99) ctx.timerService().registerEventTimeTimer(5);
    }
  }

  it('sees timestamps and the watermark, emits to side outputs; timers need a keyed stream', () => {
    const h = harnessOf<number, number>((s) => s.process(new Split())).open();
    expect(h.operator.name).toBe('Process');
    h.element(2, 10).element(3, 11).watermark(20);
    expect(h.records()).toEqual([{ value: 2, timestamp: 10 }]);
    expect(h.sideOutput(Split.odd)).toEqual([{ value: 30, timestamp: 11 }]);
    expect(() => h.element(99, 12)).toThrow(/Setting timers is only supported on a keyed streams/);
  });
});
