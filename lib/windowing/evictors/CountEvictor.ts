import { Window } from '../windows/Window';
import { Evictor, TimestampedValue } from './Evictor';

/** Flink's CountEvictor: keeps at most `maxCount` elements, dropping the oldest (first) ones. */
export class CountEvictor<W extends Window = Window> implements Evictor<unknown, W> {
  private constructor(
    readonly maxCount: number,
    readonly doEvictAfter: boolean,
  ) {
    if (!Number.isInteger(maxCount) || maxCount < 0) throw new RangeError(`CountEvictor needs a count >= 0, got ${maxCount}`);
  }

  /** Evicts before the window function runs, or after it with `doEvictAfter`. */
  static of<W extends Window = Window>(maxCount: number, doEvictAfter = false): CountEvictor<W> {
    return new CountEvictor<W>(maxCount, doEvictAfter);
  }

  evictBefore(elements: TimestampedValue<unknown>[], size: number): void {
    if (!this.doEvictAfter) this.evict(elements, size);
  }

  evictAfter(elements: TimestampedValue<unknown>[], size: number): void {
    if (this.doEvictAfter) this.evict(elements, size);
  }

  private evict(elements: TimestampedValue<unknown>[], size: number): void {
    if (size > this.maxCount) elements.splice(0, size - this.maxCount);
  }
}
