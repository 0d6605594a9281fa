import { NO_TIMESTAMP } from '../../time/Watermark';
import { Duration, toMillis } from '../../core/Time';
import { EventTimeTrigger } from '../triggers/EventTimeTrigger';
import { Trigger } from '../triggers/Trigger';
import { TimeWindow } from '../windows/TimeWindow';
import { AssignedWindowsCache } from './AssignedWindowsCache';
import { WindowAssigner } from './WindowAssigner';

/** Fixed-size, non-overlapping event-time windows, aligned to the epoch plus an optional offset. */
export class TumblingEventTimeWindows implements WindowAssigner<unknown, TimeWindow> {
  readonly isMerging = false;
  private readonly assigned: AssignedWindowsCache;

  private constructor(
    readonly size: number,
    readonly offset: number,
  ) {
    if (size <= 0) throw new RangeError(`TumblingEventTimeWindows size must be > 0, got ${size}`);
    if (Math.abs(offset) >= size) {
      throw new RangeError(`TumblingEventTimeWindows requires |offset| < size (offset ${offset}, size ${size})`);
    }
    this.assigned = new AssignedWindowsCache(size);
  }

  /** `of(Time.seconds(5))`, or with an offset such as `of(Time.days(1), Time.hours(-8))` for a time zone. */
  static of(size: Duration, offset: Duration | number = 0): TumblingEventTimeWindows {
    const off = typeof offset === 'number' ? offset : offset.toMilliseconds();
    return new TumblingEventTimeWindows(toMillis(size), off);
  }

  assignWindows(_element: unknown, timestamp: number): TimeWindow[] {
    if (timestamp === NO_TIMESTAMP) {
      throw new Error(
        'record has no timestamp (NO_TIMESTAMP marker): assign event time with assignTimestampsAndWatermarks() ' + 'or use a processing-time window',
      );
    }
    const start = TimeWindow.getWindowStartWithOffset(timestamp, this.offset, this.size);
    return this.assigned.get(start, this.window);
  }

  private readonly window = (start: number): TimeWindow[] => [new TimeWindow(start, start + this.size)];

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create();
  }

  isEventTime(): boolean {
    return true;
  }

  toString(): string {
    return `TumblingEventTimeWindows(${this.size})`;
  }
}
