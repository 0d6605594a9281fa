import { BroadcastProcessOperator } from '../runtime/operators/co/BroadcastProcessOperator';
import { MapStateDescriptor } from '../core/state/StateDescriptor';
import { ConnectedStreams } from './ConnectedStreams';
import { DataStream, registerDerivedStream, SingleOutputStreamOperator } from './DataStream';
import type { KeyedStream } from './KeyedStream';
import { BroadcastProcessFunction, KeyedBroadcastProcessFunction } from '../core/process/BroadcastProcessFunction';

/**
 * A stream sent whole to every subtask, with the broadcast state it feeds (Flink's
 * BroadcastStream): `rules.broadcast(ruleState)`, then `events.connect(broadcastRules)`.
 */
export class BroadcastStream<T> {
  constructor(
    /** The BROADCAST-partitioned stream. */
    readonly stream: DataStream<T>,
    readonly descriptors: readonly MapStateDescriptor<unknown, unknown>[],
  ) {}
}

/** Flink's BroadcastConnectedStream: a (keyed or not) stream connected with a broadcast stream. */
export class BroadcastConnectedStream<IN1, IN2> {
  constructor(
    private readonly input: DataStream<IN1>,
    private readonly broadcast: BroadcastStream<IN2>,
  ) {}

  process<K, R>(fn: KeyedBroadcastProcessFunction<K, IN1, IN2, R> | BroadcastProcessFunction<IN1, IN2, R>): SingleOutputStreamOperator<R> {
    const keySelector = (this.input as Partial<KeyedStream<IN1, K>>).keySelector;
    const keyed = fn instanceof KeyedBroadcastProcessFunction;
    if (keyed && !keySelector) throw new Error('A KeyedBroadcastProcessFunction can only be used on a keyed stream (keyBy before connect).');
    if (!keyed && keySelector) throw new Error('A BroadcastProcessFunction can only be used on a non-keyed stream; use a KeyedBroadcastProcessFunction.');
    const descriptors = this.broadcast.descriptors;
    return new ConnectedStreams<IN1, IN2>(this.input, this.broadcast.stream).transform<R>(
      keyed ? 'Co-Process-Broadcast-Keyed' : 'Co-Process-Broadcast',
      (name) => new BroadcastProcessOperator<K, IN1, IN2, R>(keyed ? keySelector : undefined, fn, descriptors, name),
      keyed,
    );
  }
}

registerDerivedStream('BroadcastStream', BroadcastStream);
registerDerivedStream('BroadcastConnectedStream', BroadcastConnectedStream);
