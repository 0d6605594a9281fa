import { OutputTag } from './OutputTag';
import { Duration, toMillis } from '../time/Time';
import { WindowAssigner } from '../windowing/assigners/WindowAssigner';
import { InternalWindowFunction, PassThroughWindowFunction, UserProcessWindowFunction } from '../windowing/functions/InternalWindowFunction';
import { ProcessWindowFunction } from '../windowing/functions/ProcessWindowFunction';
import { AggregatingContents, ListContents, ReducingContents, WindowContents } from '../windowing/functions/WindowContents';
import { Trigger, triggerName } from '../windowing/triggers/Trigger';
import { WindowOperator } from '../windowing/WindowOperator';
import { Window } from '../windowing/windows/Window';
import { AggregationType, ComparableAggregator } from './aggregation/ComparableAggregator';
import { SumAggregator } from './aggregation/SumAggregator';
import { SingleOutputStreamOperator } from './DataStream';
import { AggregateFunction, ComparableField, NumericField, ReduceFunction } from './functions';
import type { KeyedStream } from './KeyedStream';

/**
 * A keyed stream cut into windows (Flink's WindowedStream). reduce/aggregate/sum keep one
 * accumulator per window (no buffering); process sees all elements with the window's metadata.
 */
export class WindowedStream<T, K, W extends Window> {
  private customTrigger: Trigger<T, W> | undefined;
  private lateness = 0;
  private lateTag: OutputTag<T> | undefined;

  constructor(
    private readonly input: KeyedStream<T, K>,
    private readonly assigner: WindowAssigner<T, W>,
  ) {}

  trigger(trigger: Trigger<T, W>): this {
    this.customTrigger = trigger;
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
  reduce<R>(fn: ReduceFunction<T>, windowFunction?: ProcessWindowFunction<T, R, K, W>): SingleOutputStreamOperator<T> | SingleOutputStreamOperator<R> {
    return this.build(new ReducingContents<T>(fn, fn.name || 'ReduceFunction'), windowFunction) as SingleOutputStreamOperator<R>;
  }

  aggregate<ACC, V>(fn: AggregateFunction<T, ACC, V>): SingleOutputStreamOperator<V>;
  aggregate<ACC, V, R>(fn: AggregateFunction<T, ACC, V>, windowFunction: ProcessWindowFunction<V, R, K, W>): SingleOutputStreamOperator<R>;
  aggregate<ACC, V, R>(
    fn: AggregateFunction<T, ACC, V>,
    windowFunction?: ProcessWindowFunction<V, R, K, W>,
  ): SingleOutputStreamOperator<V> | SingleOutputStreamOperator<R> {
    return this.build(new AggregatingContents<T, ACC, V>(fn, functionName(fn, 'AggregateFunction')), windowFunction) as SingleOutputStreamOperator<R>;
  }

  /** All elements of the window, with its metadata. */
  process<R>(fn: ProcessWindowFunction<T, R, K, W>): SingleOutputStreamOperator<R> {
    return this.operator<T[], R>(new ListContents<T>(), new UserProcessWindowFunction<T, R, K, W>(fn, false), false);
  }

  sum(field: NumericField<T>): SingleOutputStreamOperator<T> {
    const agg = new SumAggregator<T>(field);
    return this.build(new ReducingContents<T>(agg.reduce, agg.name)) as SingleOutputStreamOperator<T>;
  }

  min(field: ComparableField<T>): SingleOutputStreamOperator<T> {
    return this.comparable(field, 'MIN');
  }

  max(field: ComparableField<T>): SingleOutputStreamOperator<T> {
    return this.comparable(field, 'MAX');
  }

  minBy(field: ComparableField<T>, first = true): SingleOutputStreamOperator<T> {
    return this.comparable(field, 'MINBY', first);
  }

  maxBy(field: ComparableField<T>, first = true): SingleOutputStreamOperator<T> {
    return this.comparable(field, 'MAXBY', first);
  }

  private comparable(field: string, type: AggregationType, first = true): SingleOutputStreamOperator<T> {
    const agg = new ComparableAggregator<T>(field, type, first);
    return this.build(new ReducingContents<T>(agg.reduce, agg.name)) as SingleOutputStreamOperator<T>;
  }

  /** Incremental contents, then either the aggregate itself or a process function over it. */
  private build<ACC, V, R>(contents: WindowContents<T, ACC, V>, windowFunction?: ProcessWindowFunction<V, R, K, W>): SingleOutputStreamOperator<unknown> {
    if (windowFunction) {
      return this.operator<ACC, R>(contents, new UserProcessWindowFunction<V, R, K, W>(windowFunction, true), true) as SingleOutputStreamOperator<unknown>;
    }
    const passThrough = new PassThroughWindowFunction<V, K, W>() as InternalWindowFunction<unknown, V, K, W>;
    return this.operator<ACC, V>(contents, passThrough, true) as SingleOutputStreamOperator<unknown>;
  }

  private operator<ACC, R>(
    contents: WindowContents<T, ACC, unknown>,
    windowFunction: InternalWindowFunction<unknown, R, K, W>,
    showContents: boolean,
  ): SingleOutputStreamOperator<R> {
    const trigger = this.customTrigger ?? this.assigner.getDefaultTrigger();
    // Flink: Window(TumblingEventTimeWindows(5000), EventTimeTrigger, SumAggregator, PassThroughWindowFunction)
    const functions = showContents ? `${contents.name}, ${windowFunction.name}` : windowFunction.name;
    const name = `Window(${this.assigner.toString()}, ${triggerName(trigger as Trigger<never, never>)}, ${functions})`;
    const config = {
      keySelector: this.input.keySelector,
      assigner: this.assigner,
      trigger,
      contents,
      windowFunction,
      allowedLateness: this.lateness,
      lateDataOutputTag: this.lateTag,
    };
    if (this.lateness > 0 && !this.assigner.isEventTime()) throw new Error('allowedLateness applies to event-time windows only');
    return this.input.transform<R>(name, (opName) => new WindowOperator(config, opName), { keyed: true });
  }
}

function functionName(fn: object, fallback: string): string {
  const ctor = (fn as { constructor?: { name?: string } }).constructor?.name;
  return ctor && ctor !== 'Object' ? ctor : fallback;
}
