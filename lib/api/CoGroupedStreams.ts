import { Duration } from '../core/Time';
import { WindowAssigner } from '../windowing/assigners/WindowAssigner';
import { Evictor } from '../windowing/evictors/Evictor';
import { Trigger } from '../windowing/triggers/Trigger';
import { Window } from '../windowing/windows/Window';
import { DataStream, registerDerivedStream, SingleOutputStreamOperator } from './DataStream';
import { Collector, KeySelector } from '../core/functions';

/** Flink's CoGroupFunction: all elements of both sides with one key in one window. */
export type CoGroupFunction<T1, T2, R> = (first: readonly T1[], second: readonly T2[], out: Collector<R>) => void;

/** An element of either input, tagged with its side (Flink's TaggedUnion). */
export type TaggedUnion<T1, T2> = { readonly one: T1; readonly two?: undefined } | { readonly one?: undefined; readonly two: T2 };

/**
 * Flink's CoGroupedStreams: `a.coGroup(b).where(ka).equalTo(kb).window(assigner).apply(fn)`.
 * As in Flink, both inputs are tagged, unioned, keyed and windowed together; the window
 * function gets each side's elements of a key and window.
 */
export class CoGroupedStreams<T1, T2> {
  constructor(
    private readonly input1: DataStream<T1>,
    private readonly input2: DataStream<T2>,
  ) {}

  where<K>(keySelector1: KeySelector<T1, K>): { equalTo(keySelector2: KeySelector<T2, K>): CoGroupWhereEqualTo<T1, T2, K> } {
    return { equalTo: (keySelector2) => new CoGroupWhereEqualTo<T1, T2, K>(this.input1, this.input2, keySelector1, keySelector2) };
  }
}

export class CoGroupWhereEqualTo<T1, T2, K> {
  constructor(
    private readonly input1: DataStream<T1>,
    private readonly input2: DataStream<T2>,
    private readonly key1: KeySelector<T1, K>,
    private readonly key2: KeySelector<T2, K>,
  ) {}

  window<W extends Window>(assigner: WindowAssigner<TaggedUnion<T1, T2>, W>): WithWindow<T1, T2, K, W> {
    return new WithWindow<T1, T2, K, W>(this.input1, this.input2, this.key1, this.key2, assigner);
  }
}

export class WithWindow<T1, T2, K, W extends Window> {
  private customTrigger: Trigger<TaggedUnion<T1, T2>, W> | undefined;
  private customEvictor: Evictor<TaggedUnion<T1, T2>, W> | undefined;
  private lateness: Duration | undefined;

  constructor(
    private readonly input1: DataStream<T1>,
    private readonly input2: DataStream<T2>,
    private readonly key1: KeySelector<T1, K>,
    private readonly key2: KeySelector<T2, K>,
    private readonly assigner: WindowAssigner<TaggedUnion<T1, T2>, W>,
  ) {}

  trigger(trigger: Trigger<TaggedUnion<T1, T2>, W>): this {
    this.customTrigger = trigger;
    return this;
  }

  evictor(evictor: Evictor<TaggedUnion<T1, T2>, W>): this {
    this.customEvictor = evictor;
    return this;
  }

  allowedLateness(lateness: Duration): this {
    this.lateness = lateness;
    return this;
  }

  apply<R>(fn: CoGroupFunction<T1, T2, R>): SingleOutputStreamOperator<R> {
    const tagged1 = this.input1.map((v): TaggedUnion<T1, T2> => ({ one: v }));
    const tagged2 = this.input2.map((v): TaggedUnion<T1, T2> => ({ two: v }));
    const { key1, key2 } = this;
    const unionKey = (u: TaggedUnion<T1, T2>): K => (u.two === undefined ? key1(u.one as T1) : key2(u.two));
    let windowed = tagged1.union(tagged2).keyBy(unionKey).window(this.assigner);
    if (this.customTrigger) windowed = windowed.trigger(this.customTrigger);
    if (this.customEvictor) windowed = windowed.evictor(this.customEvictor);
    if (this.lateness !== undefined) windowed = windowed.allowedLateness(this.lateness);
    // Flink: Window(<assigner>, <trigger>, CoGroupWindowFunction)
    return windowed.apply(function CoGroupWindowFunction(_key: K, _window: W, elements: Iterable<TaggedUnion<T1, T2>>, out: Collector<R>) {
      const first: T1[] = [];
      const second: T2[] = [];
      for (const e of elements) {
        if (e.two === undefined) first.push(e.one as T1);
        else second.push(e.two);
      }
      fn(first, second, out);
    });
  }
}

registerDerivedStream('CoGroupedStreams', CoGroupedStreams);
