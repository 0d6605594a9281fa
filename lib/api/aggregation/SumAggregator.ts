import { copyRecord } from './copyRecord';

/**
 * Flink's SumAggregator: the running aggregate starts as the first record, and each further
 * record adds its field to it; every other field keeps the first record's value. `reduce`
 * returns a fresh record each time, never mutating its inputs (rolling sums emit every
 * aggregate). A window's sum instead keeps a copy of its own and adds into it
 * (`copy`/`addInto`, Flink's SumAggregator sets the field on its accumulator too): one copy per
 * window and key rather than one per element.
 */
export class SumAggregator<T> {
  readonly name = 'SumAggregator';

  constructor(readonly field: string) {}

  reduce = (accumulated: T, value: T): T => {
    const result = copyRecord(accumulated);
    this.addInto(result, value);
    return result;
  };

  /** A copy of `value` that this aggregator may change in place. */
  copy(value: T): T {
    return copyRecord(value);
  }

  /** Adds `value`'s field to `accumulator`'s, in place: only on a copy made by `copy`. */
  addInto(accumulator: T, value: T): void {
    const acc = accumulator as Record<string, unknown>;
    const a = acc[this.field];
    const b = (value as Record<string, unknown>)[this.field];
    if (typeof a !== 'number' || typeof b !== 'number') {
      throw new TypeError(`sum('${this.field}'): field is not a number (got ${typeof a} and ${typeof b})`);
    }
    acc[this.field] = a + b;
  }
}
