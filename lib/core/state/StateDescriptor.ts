import { AggregateFunction, ReduceFunction } from '../functions';
import { StateName } from './Checkpointable';
import { StateTtlConfig } from './StateTtlConfig';

/**
 * Names a piece of keyed state and says what it holds (Flink's StateDescriptor). A descriptor
 * is created once (in `open`, or as a field) and asked for through the runtime context:
 * `getRuntimeContext().getState(new ValueStateDescriptor<number>('count', 0))`.
 */
export abstract class StateDescriptor<S extends string> {
  abstract readonly kind: S;
  private ttl: StateTtlConfig | undefined;

  constructor(readonly name: string) {
    if (!name) throw new Error('a state descriptor needs a non-empty name');
  }

  enableTimeToLive(config: StateTtlConfig): this {
    this.ttl = config;
    return this;
  }

  get ttlConfig(): StateTtlConfig | undefined {
    return this.ttl;
  }
}

export class ValueStateDescriptor<T> extends StateDescriptor<'value'> {
  readonly kind = 'value' as const;

  /** `defaultValue` is returned by value() when the key has none (Flink's deprecated default). */
  constructor(
    name: StateName<T>,
    readonly defaultValue?: T,
  ) {
    super(name as string);
  }
}

export class ListStateDescriptor<T> extends StateDescriptor<'list'> {
  readonly kind = 'list' as const;
  declare readonly __element?: (value: T) => T;

  constructor(name: StateName<T>) {
    super(name as string);
  }
}

export class MapStateDescriptor<UK, UV> extends StateDescriptor<'map'> {
  readonly kind = 'map' as const;
  declare readonly __entry?: (key: UK, value: UV) => void;

  constructor(name: StateName<[UK, UV]>) {
    super(name as string);
  }
}

export class ReducingStateDescriptor<T> extends StateDescriptor<'reducing'> {
  readonly kind = 'reducing' as const;

  constructor(
    name: StateName<T>,
    readonly reduceFunction: ReduceFunction<T>,
  ) {
    super(name as string);
  }
}

export class AggregatingStateDescriptor<IN, ACC, OUT> extends StateDescriptor<'aggregating'> {
  readonly kind = 'aggregating' as const;

  /** Only the accumulator is stored: the added values and results need not be plain data. */
  constructor(
    name: StateName<ACC>,
    readonly aggregateFunction: AggregateFunction<IN, ACC, OUT>,
  ) {
    super(name as string);
  }
}

export type StateKind = 'value' | 'list' | 'map' | 'reducing' | 'aggregating';

/** Any descriptor; `kind` tells which. */
export type AnyStateDescriptor = StateDescriptor<StateKind>;
