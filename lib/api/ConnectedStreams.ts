import { defaultSettings, TimestampUse, TwoInputTransformation } from '../graph/Transformation';
import { CoProcessOperator } from '../runtime/operators/co/CoProcessOperator';
import { CoStreamFlatMap } from '../runtime/operators/co/CoStreamFlatMap';
import { CoStreamMap } from '../runtime/operators/co/CoStreamMap';
import { KeyedCoProcessOperator } from '../runtime/operators/co/KeyedCoProcessOperator';
import { OperatorFactory } from '../runtime/StreamOperator';
import { DataStream, registerDerivedStream, SingleOutputStreamOperator } from './DataStream';
import { KeySelector } from '../core/functions';
import type { KeyedStream } from './KeyedStream';
import { CoFlatMapFunction, CoMapFunction, CoProcessFunction, KeyedCoProcessFunction } from '../core/process/CoFunctions';

function keySelectorOf<T>(s: DataStream<T>): KeySelector<T, unknown> | undefined {
  return (s as Partial<KeyedStream<T, unknown>>).keySelector;
}

/**
 * Two streams of possibly different types, connected so that one operator sees both (Flink's
 * ConnectedStreams): `a.connect(b).map({ map1, map2 })`, or keyed on both sides
 * (`a.connect(b).keyBy(ka, kb)`) to share keyed state and timers in a KeyedCoProcessFunction.
 */
export class ConnectedStreams<IN1, IN2> {
  constructor(
    readonly first: DataStream<IN1>,
    readonly second: DataStream<IN2>,
  ) {
    if (first.environment !== second.environment) throw new Error('cannot connect streams of different environments');
  }

  /** Keys both inputs (the keys must be of the same kind: a key's state sees both sides). */
  keyBy<K>(key1: KeySelector<IN1, K>, key2: KeySelector<IN2, K>): ConnectedStreams<IN1, IN2> {
    return new ConnectedStreams<IN1, IN2>(this.first.keyBy(key1), this.second.keyBy(key2));
  }

  map<R>(fn: CoMapFunction<IN1, IN2, R>): SingleOutputStreamOperator<R> {
    return this.transform<R>('Co-Map', (name) => new CoStreamMap<IN1, IN2, R>(fn, name), false);
  }

  flatMap<R>(fn: CoFlatMapFunction<IN1, IN2, R>): SingleOutputStreamOperator<R> {
    return this.transform<R>('Co-Flat Map', (name) => new CoStreamFlatMap<IN1, IN2, R>(fn, name), false);
  }

  process<R>(fn: CoProcessFunction<IN1, IN2, R>): SingleOutputStreamOperator<R>;
  process<K, R>(fn: KeyedCoProcessFunction<K, IN1, IN2, R>): SingleOutputStreamOperator<R>;
  process<K, R>(fn: CoProcessFunction<IN1, IN2, R> | KeyedCoProcessFunction<K, IN1, IN2, R>): SingleOutputStreamOperator<R> {
    if (fn instanceof CoProcessFunction) return this.transform<R>('Co-Process', (name) => new CoProcessOperator<IN1, IN2, R>(fn, name), false);
    const k1 = keySelectorOf(this.first) as KeySelector<IN1, K> | undefined;
    const k2 = keySelectorOf(this.second) as KeySelector<IN2, K> | undefined;
    if (!k1 || !k2) throw new Error('KeyedCoProcessFunction can only be used when both input streams are of type KeyedStream.');
    return this.transform<R>('Co-Keyed-Process', (name) => new KeyedCoProcessOperator<K, IN1, IN2, R>(k1, k2, fn, name), true);
  }

  /** Adds a custom two-input operator. */
  transform<R>(name: string, factory: OperatorFactory<IN1, R>, keyed: boolean, timestamps?: TimestampUse): SingleOutputStreamOperator<R> {
    const env = this.first.environment;
    const t: TwoInputTransformation = {
      kind: 'twoInput',
      id: env.nextTransformationId(),
      settings: defaultSettings(name, 'ALWAYS'),
      input1: this.first.transformation,
      input2: this.second.transformation,
      operatorFactory: factory as OperatorFactory<unknown, unknown>,
      keyed,
      timestamps,
    };
    env.addTransformation(t);
    return new SingleOutputStreamOperator<R>(env, t, t.settings);
  }
}

registerDerivedStream('ConnectedStreams', ConnectedStreams);
