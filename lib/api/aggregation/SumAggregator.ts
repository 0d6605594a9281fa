import { copyRecord } from './copyRecord';

/**
 * Flink's SumAggregator: the running aggregate starts as the first record, and each further
 * record adds its field to it; every other field keeps the first record's value. Returns a
 * fresh record each time, never mutating its inputs.
 */
export class SumAggregator<T> {
  readonly name = 'SumAggregator';

  constructor(readonly field: string) {}

  reduce = (accumulated: T, value: T): T => {
    const result = copyRecord(accumulated) as Record<string, unknown>;
    const a = (accumulated as Record<string, unknown>)[this.field];
    const b = (value as Record<string, unknown>)[this.field];
    if (typeof a !== 'number' || typeof b !== 'number') {
      throw new TypeError(`sum('${this.field}'): field is not a number (got ${typeof a} and ${typeof b})`);
    }
    result[this.field] = a + b;
    return result as T;
  };
}
