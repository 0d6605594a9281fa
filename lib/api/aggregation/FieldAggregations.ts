import { ComparableField, NumericField } from '../../core/functions';
import { copyMethods } from '../../util/copyMethods';
import { ComparableAggregator } from './ComparableAggregator';
import { SumAggregator } from './SumAggregator';

export type FieldAggregator<T> = SumAggregator<T> | ComparableAggregator<T>;

/**
 * Flink's built-in aggregations by field, on a KeyedStream (rolling, one result per element) and
 * on a WindowedStream (one result per window firing): each names its aggregator, the stream
 * decides how it is applied and what it returns (OUT: the stream of results).
 */
export abstract class FieldAggregations<T, OUT> {
  /** Sum of a numeric field; the other fields keep the first record's values. */
  sum(field: NumericField<T>): OUT {
    return this.aggregateField(new SumAggregator<T>(field));
  }

  /** The smallest value of `field`; the other fields keep the first record's values. */
  min(field: ComparableField<T>): OUT {
    return this.aggregateField(new ComparableAggregator<T>(field, 'MIN'));
  }

  max(field: ComparableField<T>): OUT {
    return this.aggregateField(new ComparableAggregator<T>(field, 'MAX'));
  }

  /** The whole record holding the smallest value of `field` (the first one on ties, unless `first` is false). */
  minBy(field: ComparableField<T>, first = true): OUT {
    return this.aggregateField(new ComparableAggregator<T>(field, 'MINBY', first));
  }

  maxBy(field: ComparableField<T>, first = true): OUT {
    return this.aggregateField(new ComparableAggregator<T>(field, 'MAXBY', first));
  }

  protected abstract aggregateField(aggregator: FieldAggregator<T>): OUT;
}

/** Gives `target` (a class that is already a DataStream) FieldAggregations' methods. */
export function withFieldAggregations(target: { prototype: object }): void {
  copyMethods(target, FieldAggregations, ['sum', 'min', 'max', 'minBy', 'maxBy']);
}
