import { Duration, toMillis } from '../../core/Time';
import { EventTimeTrigger } from '../triggers/EventTimeTrigger';
import { Trigger } from '../triggers/Trigger';
import { TimeWindow } from '../windows/TimeWindow';
import { AssignedWindowsCache } from './AssignedWindowsCache';
import { requireTimestamp, WindowAssigner } from './WindowAssigner';

/**
 * Flink's SlidingEventTimeWindows: windows of `size` starting every `slide`; an element is in
 * size/slide of them, listed newest first:
 * `for (s = start(ts, offset, slide); s > ts - size; s -= slide) [s, s + size)`.
 */
export class SlidingEventTimeWindows implements WindowAssigner<unknown, TimeWindow> {
  readonly isMerging = false;
  private readonly assigned: AssignedWindowsCache;

  private constructor(
    readonly size: number,
    readonly slide: number,
    readonly offset: number,
  ) {
    if (Math.abs(offset) >= slide || size <= 0) {
      throw new RangeError(`SlidingEventTimeWindows parameters must satisfy abs(offset) < slide and size > 0 (size ${size}, slide ${slide}, offset ${offset})`);
    }
    this.assigned = new AssignedWindowsCache(slide);
  }

  static of(size: Duration, slide: Duration, offset: Duration | number = 0): SlidingEventTimeWindows {
    return new SlidingEventTimeWindows(toMillis(size), toMillis(slide), typeof offset === 'number' ? offset : toMillis(offset));
  }

  assignWindows(_element: unknown, timestamp: number): TimeWindow[] {
    requireTimestamp(timestamp, this.toString());
    const lastStart = TimeWindow.getWindowStartWithOffset(timestamp, this.offset, this.slide);
    // When the size is a multiple of the slide, Flink's loop (start > timestamp - size) stops
    // where start > lastStart - size does, for any timestamp of the slide: elements of one
    // slide share their windows. Otherwise (or below the formula's range) compute them anew.
    if (this.size % this.slide !== 0 || timestamp < lastStart) return slidingWindows(timestamp, this.size, this.slide, this.offset);
    return this.assigned.get(lastStart, this.windowsOfSlide);
  }

  private readonly windowsOfSlide = (lastStart: number): TimeWindow[] => {
    const windows: TimeWindow[] = [];
    for (let start = lastStart; start > lastStart - this.size; start -= this.slide) windows.push(new TimeWindow(start, start + this.size));
    return windows;
  };

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create();
  }

  isEventTime(): boolean {
    return true;
  }

  toString(): string {
    return `SlidingEventTimeWindows(${this.size}, ${this.slide})`;
  }
}

export function slidingWindows(time: number, size: number, slide: number, offset: number): TimeWindow[] {
  const windows: TimeWindow[] = [];
  const lastStart = TimeWindow.getWindowStartWithOffset(time, offset, slide);
  for (let start = lastStart; start > time - size; start -= slide) windows.push(new TimeWindow(start, start + size));
  return windows;
}
