import { copyRecord } from './copyRecord';

export type AggregationType = 'MIN' | 'MAX' | 'MINBY' | 'MAXBY';

/**
 * Flink's ComparableAggregator. min/max keep the first record's other fields and replace only
 * the aggregated field; minBy/maxBy return the whole record holding the extreme value, the
 * first one on ties unless `first` is false.
 */
export class ComparableAggregator<T> {
  readonly name = 'ComparableAggregator';

  constructor(
    readonly field: string,
    readonly type: AggregationType,
    readonly first = true,
  ) {}

  reduce = (accumulated: T, value: T): T => {
    const a = (accumulated as Record<string, unknown>)[this.field];
    const b = (value as Record<string, unknown>)[this.field];
    const c = compare(a, b, this.field);
    // isExtremal: > 0 when `accumulated` wins, 0 on a tie, < 0 when `value` wins.
    const extremal = this.type === 'MIN' || this.type === 'MINBY' ? -c : c;
    if (this.type === 'MINBY' || this.type === 'MAXBY') {
      if (this.first) return extremal >= 0 ? accumulated : value;
      return extremal > 0 ? accumulated : value;
    }
    const result = copyRecord(accumulated) as Record<string, unknown>;
    result[this.field] = extremal >= 0 ? a : b;
    return result as T;
  };
}

function compare(a: unknown, b: unknown, field: string): number {
  const x = a instanceof Date ? a.getTime() : a;
  const y = b instanceof Date ? b.getTime() : b;
  if (typeof x !== typeof y || (typeof x !== 'number' && typeof x !== 'string' && typeof x !== 'bigint')) {
    throw new TypeError(`cannot compare field '${field}' (${typeof a} vs ${typeof b})`);
  }
  return (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
}
