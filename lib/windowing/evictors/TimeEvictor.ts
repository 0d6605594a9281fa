import { Duration, toMillis } from '../../core/Time';
import { Window } from '../windows/Window';
import { Evictor, TimestampedValue } from './Evictor';

/**
 * Flink's TimeEvictor: keeps the elements of the last `windowSize` ms, measured back from the
 * newest element's timestamp (elements with ts <= max - windowSize go).
 */
export class TimeEvictor<W extends Window = Window> implements Evictor<unknown, W> {
  private constructor(
    readonly windowSize: number,
    readonly doEvictAfter: boolean,
  ) {}

  static of<W extends Window = Window>(windowSize: Duration, doEvictAfter = false): TimeEvictor<W> {
    return new TimeEvictor<W>(toMillis(windowSize), doEvictAfter);
  }

  evictBefore(elements: TimestampedValue<unknown>[]): void {
    if (!this.doEvictAfter) this.evict(elements);
  }

  evictAfter(elements: TimestampedValue<unknown>[]): void {
    if (this.doEvictAfter) this.evict(elements);
  }

  private evict(elements: TimestampedValue<unknown>[]): void {
    // Flink: elements without timestamps (NO_TIMESTAMP) are never evicted by time.
    if (elements.length === 0 || elements[0].timestamp === Number.MIN_SAFE_INTEGER) return;
    let max = Number.MIN_SAFE_INTEGER;
    for (const e of elements) if (e.timestamp > max) max = e.timestamp;
    const cutoff = max - this.windowSize;
    for (let i = elements.length - 1; i >= 0; i--) if (elements[i].timestamp <= cutoff) elements.splice(i, 1);
  }
}
