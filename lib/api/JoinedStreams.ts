import { WindowAssigner } from '../windowing/assigners/WindowAssigner';
import { Window } from '../windowing/windows/Window';
import { CoGroupedStreams, TaggedUnion, WithWindow } from './CoGroupedStreams';
import { DataStream, registerDerivedStream, SingleOutputStreamOperator } from './DataStream';
import { Collector, KeySelector } from '../core/functions';

/** Flink's JoinFunction: one result per pair. */
export type JoinFunction<T1, T2, R> = (first: T1, second: T2) => R;
/** Flink's FlatJoinFunction: any number of results per pair. */
export type FlatJoinFunction<T1, T2, R> = (first: T1, second: T2, out: Collector<R>) => void;

/**
 * Flink's JoinedStreams (window join): `a.join(b).where(ka).equalTo(kb).window(w).apply(fn)`:
 * every pair of elements with equal keys in the same window, as an inner join (a coGroup
 * whose function pairs each left element with each right one, in arrival order).
 */
export class JoinedStreams<T1, T2> {
  constructor(
    private readonly input1: DataStream<T1>,
    private readonly input2: DataStream<T2>,
  ) {}

  where<K>(keySelector1: KeySelector<T1, K>): { equalTo(keySelector2: KeySelector<T2, K>): JoinWhereEqualTo<T1, T2, K> } {
    return {
      equalTo: (keySelector2) => new JoinWhereEqualTo<T1, T2, K>(new CoGroupedStreams(this.input1, this.input2).where(keySelector1).equalTo(keySelector2)),
    };
  }
}

export class JoinWhereEqualTo<T1, T2, K> {
  constructor(private readonly coGroup: { window<W extends Window>(a: WindowAssigner<TaggedUnion<T1, T2>, W>): WithWindow<T1, T2, K, W> }) {}

  window<W extends Window>(assigner: WindowAssigner<TaggedUnion<T1, T2>, W>): JoinWithWindow<T1, T2, K, W> {
    return new JoinWithWindow<T1, T2, K, W>(this.coGroup.window(assigner));
  }
}

export class JoinWithWindow<T1, T2, K, W extends Window> {
  constructor(private readonly windowed: WithWindow<T1, T2, K, W>) {}

  trigger(...args: Parameters<WithWindow<T1, T2, K, W>['trigger']>): this {
    this.windowed.trigger(...args);
    return this;
  }

  evictor(...args: Parameters<WithWindow<T1, T2, K, W>['evictor']>): this {
    this.windowed.evictor(...args);
    return this;
  }

  allowedLateness(...args: Parameters<WithWindow<T1, T2, K, W>['allowedLateness']>): this {
    this.windowed.allowedLateness(...args);
    return this;
  }

  apply<R>(fn: JoinFunction<T1, T2, R>): SingleOutputStreamOperator<R> {
    return this.windowed.apply<R>((first, second, out) => {
      for (const a of first) for (const b of second) out.collect(fn(a, b));
    });
  }

  /** FlatJoinFunction flavour. */
  flatApply<R>(fn: FlatJoinFunction<T1, T2, R>): SingleOutputStreamOperator<R> {
    return this.windowed.apply<R>((first, second, out) => {
      for (const a of first) for (const b of second) fn(a, b, out);
    });
  }
}

registerDerivedStream('JoinedStreams', JoinedStreams);
