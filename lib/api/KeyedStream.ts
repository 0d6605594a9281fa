import { KeyGroupStreamPartitioner } from '../partitioners/KeyGroupStreamPartitioner';
import { StreamGroupedReduce } from '../runtime/operators/StreamGroupedReduce';
import { KeyedProcessOperator } from '../runtime/operators/KeyedProcessOperator';
import { KeyedProcessFunction, ProcessFunction } from '../core/process/ProcessFunction';
import { GlobalWindows } from '../windowing/assigners/GlobalWindows';
import { WindowAssigner } from '../windowing/assigners/WindowAssigner';
import { CountEvictor } from '../windowing/evictors/CountEvictor';
import { CountTrigger } from '../windowing/triggers/CountTrigger';
import { PurgingTrigger } from '../windowing/triggers/PurgingTrigger';
import { GlobalWindow } from '../windowing/windows/GlobalWindow';
import { Window } from '../windowing/windows/Window';
import { FieldAggregations, FieldAggregator, withFieldAggregations } from './aggregation/FieldAggregations';
import { DataStream, registerDerivedStream, SingleOutputStreamOperator } from './DataStream';
import { KeySelector, ReduceFunction } from '../core/functions';
import { WindowedStream } from './WindowedStream';
import { IntervalJoin } from './IntervalJoin';

/**
 * A stream partitioned by key (Flink's KeyedStream): records with the same key go to the same
 * subtask, chosen by key group (murmur hash of Java's hashCode), so each key lands on the same
 * subtask index as in Flink.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- TypeScript's mixin pattern: the interface below declares what withFieldAggregations installs on the prototype
export class KeyedStream<T, K> extends DataStream<T> {
  constructor(
    input: DataStream<T>,
    readonly keySelector: KeySelector<T, K>,
  ) {
    super(input.environment, {
      kind: 'partition',
      id: input.environment.nextTransformationId(),
      input: input.transformation,
      partitioner: new KeyGroupStreamPartitioner<unknown, K>(keySelector as KeySelector<unknown, K>),
    });
  }

  window<W extends Window>(assigner: WindowAssigner<T, W>): WindowedStream<T, K, W> {
    return new WindowedStream<T, K, W>(this, assigner);
  }

  /**
   * Each element with its key, keyed state and timers (Flink's KeyedProcessFunction). The
   * operator is named KeyedProcess, as in Flink.
   */
  override process<R>(fn: KeyedProcessFunction<K, T, R> | ProcessFunction<T, R>): SingleOutputStreamOperator<R> {
    if (fn instanceof ProcessFunction) return super.process(fn);
    const keySelector = this.keySelector;
    return this.transform<R>('KeyedProcess', (name) => new KeyedProcessOperator<K, T, R>(keySelector, fn, name), { keyed: true });
  }

  /** Interval join with another keyed stream (event time): `.between(lower, upper).process(fn)`. */
  intervalJoin<T2>(other: KeyedStream<T2, K>): IntervalJoin<T, T2, K> {
    return new IntervalJoin<T, T2, K>(this, other);
  }

  /**
   * Windows of `size` elements per key (Flink: GlobalWindows + PurgingTrigger(CountTrigger));
   * with `slide`, every `slide` elements over the last `size` (CountTrigger + CountEvictor).
   */
  countWindow(size: number, slide?: number): WindowedStream<T, K, GlobalWindow> {
    const windowed = this.window(GlobalWindows.create() as WindowAssigner<T, GlobalWindow>);
    if (slide === undefined) return windowed.trigger(PurgingTrigger.of(CountTrigger.of<GlobalWindow>(size)));
    return windowed.evictor(CountEvictor.of<GlobalWindow>(size)).trigger(CountTrigger.of<GlobalWindow>(slide));
  }

  /** Rolling reduce: emits the current reduced value of the key after every element. */
  reduce(fn: ReduceFunction<T>): SingleOutputStreamOperator<T> {
    return this.rolling('Keyed Reduce', fn);
  }

  /** The rolling aggregation behind sum, min, max, minBy and maxBy. */
  protected aggregateField(aggregator: FieldAggregator<T>): SingleOutputStreamOperator<T> {
    return this.rolling('Keyed Aggregation', aggregator.reduce);
  }

  private rolling(name: string, fn: ReduceFunction<T>): SingleOutputStreamOperator<T> {
    const keySelector = this.keySelector;
    return this.transform<T>(name, (opName) => new StreamGroupedReduce<T, K>(keySelector, fn, opName), { keyed: true });
  }
}

/** sum, min, max, minBy and maxBy: rolling, one result per element. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the mixin's interface half: merging with the class needs its type parameters, used here or not
export interface KeyedStream<T, K> extends FieldAggregations<T, SingleOutputStreamOperator<T>> {}
withFieldAggregations(KeyedStream);

registerDerivedStream('KeyedStream', KeyedStream);
