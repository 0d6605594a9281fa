import { OutputTag } from '../core/OutputTag';
import { Duration, toMillis } from '../core/Time';
import { WindowAssigner } from '../windowing/assigners/WindowAssigner';
import { EvictingWindowOperator } from '../windowing/EvictingWindowOperator';
import { Evictor, evictorName } from '../windowing/evictors/Evictor';
import {
  AggregateApplyWindowFunction,
  InternalWindowFunction,
  PassThroughWindowFunction,
  ReduceApplyWindowFunction,
  UserProcessWindowFunction,
  UserWindowFunction,
} from '../windowing/functions/InternalWindowFunction';
import { ProcessWindowFunction, WindowFunction } from '../windowing/functions/ProcessWindowFunction';
import { AggregatingContents, InPlaceReduce, ListContents, ReducingContents, WindowContents } from '../windowing/functions/WindowContents';
import { Trigger, triggerName } from '../windowing/triggers/Trigger';
import { WindowOperator, WindowOperatorConfig } from '../windowing/WindowOperator';
import { PaneWindowOperator } from '../windowing/PaneWindowOperator';
import { TimeWindow } from '../windowing/windows/TimeWindow';
import { Window } from '../windowing/windows/Window';
import { FieldAggregations, FieldAggregator } from './aggregation/FieldAggregations';
import { SumAggregator } from './aggregation/SumAggregator';
import { SingleOutputStreamOperator } from './DataStream';
import { AggregateFunction, ReduceFunction } from '../core/functions';
import type { KeyedStream } from './KeyedStream';

/** How the window's contents are kept and turned into results. */
interface WindowPlan<T, R> {
  /** Incremental contents (no evictor); undefined = keep the elements. */
  readonly contents: WindowContents<T, unknown, unknown> | undefined;
  /** Applied to the aggregate (incremental) or to the elements (list, evictor). */
  readonly fn: InternalWindowFunction<unknown, R, unknown, Window>;
  /** The function names Flink prints: "SumAggregator, PassThroughWindowFunction". */
  readonly names: string;
}

/**
 * A keyed stream cut into windows (Flink's WindowedStream). reduce/aggregate/sum keep one
 * accumulator per window (no buffering); process and apply see all elements with the window's
 * metadata; reduce/aggregate combined with a process function pre-aggregate and hand the
 * function the one result. With an evictor the elements are kept and aggregated at firing.
 */
export class WindowedStream<T, K, W extends Window> extends FieldAggregations<T, SingleOutputStreamOperator<T>> {
  private customTrigger: Trigger<T, W> | undefined;
  private customEvictor: Evictor<T, W> | undefined;
  private lateness = 0;
  private lateTag: OutputTag<T> | undefined;

  constructor(
    private readonly input: KeyedStream<T, K>,
    private readonly assigner: WindowAssigner<T, W>,
  ) {
    super();
  }

  trigger(trigger: Trigger<T, W>): this {
    if (this.assigner.isMerging && !trigger.canMerge()) {
      throw new Error(`A merging window assigner cannot be used with a trigger that does not support merging (${trigger.toString()})`);
    }
    this.customTrigger = trigger;
    return this;
  }

  /** Removes elements before/after the window function (the window then keeps its elements). */
  evictor(evictor: Evictor<T, W>): this {
    this.customEvictor = evictor;
    return this;
  }

  /** Elements up to this late (event time) still update and re-fire their window. */
  allowedLateness(lateness: Duration): this {
    this.lateness = toMillis(lateness);
    return this;
  }

  /** Elements too late for any window go to this side output instead of being dropped. */
  sideOutputLateData(tag: OutputTag<T>): this {
    this.lateTag = tag;
    return this;
  }

  reduce(fn: ReduceFunction<T>): SingleOutputStreamOperator<T>;
  reduce<R>(fn: ReduceFunction<T>, windowFunction: ProcessWindowFunction<T, R, K, W>): SingleOutputStreamOperator<R>;
  reduce<R>(fn: ReduceFunction<T>, windowFunction?: ProcessWindowFunction<T, R, K, W>): SingleOutputStreamOperator<T | R> {
    return this.reduceWith(fn, windowFunction, undefined);
  }

  aggregate<ACC, V>(fn: AggregateFunction<T, ACC, V>): SingleOutputStreamOperator<V>;
  aggregate<ACC, V, R>(fn: AggregateFunction<T, ACC, V>, windowFunction: ProcessWindowFunction<V, R, K, W>): SingleOutputStreamOperator<R>;
  aggregate<ACC, V, R>(fn: AggregateFunction<T, ACC, V>, windowFunction?: ProcessWindowFunction<V, R, K, W>): SingleOutputStreamOperator<V | R> {
    const name = functionName(fn, 'AggregateFunction');
    const inner = this.singleValueFunction<V, V | R>(windowFunction as ProcessWindowFunction<V, V | R, K, W> | undefined);
    if (this.customEvictor) return this.build({ contents: undefined, fn: wrap(new AggregateApplyWindowFunction(fn, inner)), names: `${name}, ${inner.name}` });
    return this.build({ contents: erase(new AggregatingContents<T, ACC, V>(fn, name)), fn: wrap(inner), names: `${name}, ${inner.name}` });
  }

  /** All elements of the window, with its metadata. */
  process<R>(fn: ProcessWindowFunction<T, R, K, W>): SingleOutputStreamOperator<R> {
    const f = new UserProcessWindowFunction<T, R, K, W>(fn, false);
    return this.build({ contents: undefined, fn: wrap(f), names: f.name });
  }

  /** Flink's legacy WindowFunction: key, window, all elements. */
  apply<R>(fn: WindowFunction<T, R, K, W>): SingleOutputStreamOperator<R> {
    const f = new UserWindowFunction<T, R, K, W>(fn, false);
    return this.build({ contents: undefined, fn: wrap(f), names: f.name });
  }

  /** sum, min, max, minBy and maxBy: one result per window firing; a sum is kept in place. */
  protected aggregateField(aggregator: FieldAggregator<T>): SingleOutputStreamOperator<T> {
    return this.reduceNamed(aggregator, aggregator instanceof SumAggregator ? aggregator : undefined);
  }

  /** A built-in aggregation: reduce under the aggregator's Flink name. */
  private reduceNamed(agg: { reduce: ReduceFunction<T>; name: string }, inPlace?: InPlaceReduce<T>): SingleOutputStreamOperator<T> {
    const reduce = agg.reduce;
    Object.defineProperty(reduce, 'name', { value: agg.name });
    return this.reduceWith(reduce, undefined, inPlace) as SingleOutputStreamOperator<T>;
  }

  private reduceWith<R>(
    fn: ReduceFunction<T>,
    windowFunction: ProcessWindowFunction<T, R, K, W> | undefined,
    inPlace: InPlaceReduce<T> | undefined,
  ): SingleOutputStreamOperator<T | R> {
    const name = fn.name || 'ReduceFunction';
    const inner = this.singleValueFunction<T, T | R>(windowFunction as ProcessWindowFunction<T, T | R, K, W> | undefined);
    if (this.customEvictor) return this.build({ contents: undefined, fn: wrap(new ReduceApplyWindowFunction(fn, inner)), names: `${name}, ${inner.name}` });
    return this.build({ contents: erase(new ReducingContents<T>(fn, name, inPlace)), fn: wrap(inner), names: `${name}, ${inner.name}` });
  }

  private singleValueFunction<V, R>(fn: ProcessWindowFunction<V, R, K, W> | undefined): InternalWindowFunction<V, R, K, W> {
    if (fn) return new UserProcessWindowFunction<V, R, K, W>(fn, true) as InternalWindowFunction<V, R, K, W>;
    return new PassThroughWindowFunction<V, K, W>() as unknown as InternalWindowFunction<V, R, K, W>;
  }

  private build<R>(plan: WindowPlan<T, R>): SingleOutputStreamOperator<R> {
    if (this.lateness > 0 && !this.assigner.isEventTime()) throw new Error('allowedLateness applies to event-time windows only');
    const trigger = this.customTrigger ?? this.assigner.getDefaultTrigger();
    const evictor = this.customEvictor;
    // Flink: Window(TumblingEventTimeWindows(5000), EventTimeTrigger, [CountEvictor, ]SumAggregator, PassThroughWindowFunction)
    const parts = [
      this.assigner.toString(),
      triggerName(trigger as Trigger<never, never>),
      ...(evictor ? [evictorName(evictor as Evictor<never, never>)] : []),
      plan.names,
    ];
    const name = `Window(${parts.join(', ')})`;
    const base = {
      keySelector: this.input.keySelector,
      assigner: this.assigner,
      trigger,
      allowedLateness: this.lateness,
      lateDataOutputTag: this.lateTag,
    };
    const fn = plan.fn as unknown as InternalWindowFunction<unknown, R, K, W>;
    const factory = evictor
      ? (opName: string) =>
          new EvictingWindowOperator<T, K, W, R>({ ...base, windowFunction: fn as InternalWindowFunction<Iterable<T>, R, K, W> }, evictor, opName)
      : (opName: string) => {
          const config = {
            ...base,
            contents: plan.contents ?? (new ListContents<T>() as WindowContents<T, unknown, unknown>),
            windowFunction: fn,
          } as WindowOperatorConfig<T, K, W, unknown, unknown, R>;
          // The same results, order and snapshots; state kept per window instead of per key.
          return PaneWindowOperator.supports(config)
            ? new PaneWindowOperator<T, K, unknown, unknown, R>(config as unknown as WindowOperatorConfig<T, K, TimeWindow, unknown, unknown, R>, opName)
            : new WindowOperator<T, K, W, unknown, unknown, R>(config, opName);
        };
    // Results carry the window's end as their timestamp, event time or not.
    return this.input.transform<R>(name, factory, { keyed: true, timestamps: this.assigner.isEventTime() ? 'requires' : 'assigns' });
  }
}

function erase<T, ACC, V>(c: WindowContents<T, ACC, V>): WindowContents<T, unknown, unknown> {
  return c as unknown as WindowContents<T, unknown, unknown>;
}

function wrap<R, OUT, K, W extends Window>(f: InternalWindowFunction<R, OUT, K, W>): InternalWindowFunction<unknown, OUT, unknown, Window> {
  return f as unknown as InternalWindowFunction<unknown, OUT, unknown, Window>;
}

function functionName(fn: object, fallback: string): string {
  const ctor = (fn as { constructor?: { name?: string } }).constructor?.name;
  return ctor && ctor !== 'Object' ? ctor : fallback;
}
