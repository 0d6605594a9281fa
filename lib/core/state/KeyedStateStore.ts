import { AggregatingState, ListState, MapState, ReducingState, ValueState } from './State';
import { AggregatingStateDescriptor, ListStateDescriptor, MapStateDescriptor, ReducingStateDescriptor, ValueStateDescriptor } from './StateDescriptor';

/** Where user functions get their keyed state (Flink's KeyedStateStore / RuntimeContext). */
export interface KeyedStateStore {
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getMapState<UK, UV>(descriptor: MapStateDescriptor<UK, UV>): MapState<UK, UV>;
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT>;
}

/** Minimal view of a keyed state backend a store needs. */
interface StateSource {
  getPartitionedState(descriptor: never, namespace: never, restore: never): unknown;
}

/**
 * A KeyedStateStore over a backend, in the namespace `namespaceOf()` gives at each call (a
 * window for ProcessWindowFunction's windowState(), none for plain keyed state).
 */
export class BackendStateStore<N> implements KeyedStateStore {
  constructor(
    private readonly backend: StateSource,
    private readonly namespaceOf: () => N,
    private readonly restoreNamespace: (plain: unknown) => N,
  ) {}

  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T> {
    return this.get(descriptor) as ValueState<T>;
  }
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.get(descriptor) as ListState<T>;
  }
  getMapState<UK, UV>(descriptor: MapStateDescriptor<UK, UV>): MapState<UK, UV> {
    return this.get(descriptor) as MapState<UK, UV>;
  }
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T> {
    return this.get(descriptor) as ReducingState<T>;
  }
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT> {
    return this.get(descriptor) as AggregatingState<IN, OUT>;
  }

  private get(descriptor: object): unknown {
    return this.backend.getPartitionedState(descriptor as never, this.namespaceOf() as never, this.restoreNamespace as never);
  }
}
