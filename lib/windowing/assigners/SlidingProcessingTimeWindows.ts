import { Duration, toMillis } from '../../core/Time';
import { ProcessingTimeTrigger } from '../triggers/ProcessingTimeTrigger';
import { Trigger } from '../triggers/Trigger';
import { TimeWindow } from '../windows/TimeWindow';
import { slidingWindows } from './SlidingEventTimeWindows';
import { WindowAssigner, WindowAssignerContext } from './WindowAssigner';

/** Flink's SlidingProcessingTimeWindows: sliding windows over the current processing time. */
export class SlidingProcessingTimeWindows implements WindowAssigner<unknown, TimeWindow> {
  readonly isMerging = false;

  private constructor(
    readonly size: number,
    readonly slide: number,
    readonly offset: number,
  ) {
    if (Math.abs(offset) >= slide || size <= 0) {
      throw new RangeError(
        `SlidingProcessingTimeWindows parameters must satisfy abs(offset) < slide and size > 0 (size ${size}, slide ${slide}, offset ${offset})`,
      );
    }
  }

  static of(size: Duration, slide: Duration, offset: Duration | number = 0): SlidingProcessingTimeWindows {
    return new SlidingProcessingTimeWindows(toMillis(size), toMillis(slide), typeof offset === 'number' ? offset : toMillis(offset));
  }

  assignWindows(_element: unknown, _timestamp: number, context: WindowAssignerContext): TimeWindow[] {
    return slidingWindows(context.getCurrentProcessingTime(), this.size, this.slide, this.offset);
  }

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }

  isEventTime(): boolean {
    return false;
  }

  toString(): string {
    return `SlidingProcessingTimeWindows(${this.size}, ${this.slide})`;
  }
}
