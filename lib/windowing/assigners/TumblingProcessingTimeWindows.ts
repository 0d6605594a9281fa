import { Duration, toMillis } from '../../core/Time';
import { ProcessingTimeTrigger } from '../triggers/ProcessingTimeTrigger';
import { Trigger } from '../triggers/Trigger';
import { TimeWindow } from '../windows/TimeWindow';
import { WindowAssigner, WindowAssignerContext } from './WindowAssigner';

/** Flink's TumblingProcessingTimeWindows: the window of the current processing time (the clock). */
export class TumblingProcessingTimeWindows implements WindowAssigner<unknown, TimeWindow> {
  readonly isMerging = false;

  private constructor(
    readonly size: number,
    readonly offset: number,
  ) {
    if (size <= 0 || Math.abs(offset) >= size) {
      throw new RangeError(`TumblingProcessingTimeWindows parameters must satisfy abs(offset) < size (offset ${offset}, size ${size})`);
    }
  }

  static of(size: Duration, offset: Duration | number = 0): TumblingProcessingTimeWindows {
    return new TumblingProcessingTimeWindows(toMillis(size), typeof offset === 'number' ? offset : toMillis(offset));
  }

  assignWindows(_element: unknown, _timestamp: number, context: WindowAssignerContext): TimeWindow[] {
    const now = context.getCurrentProcessingTime();
    const start = TimeWindow.getWindowStartWithOffset(now, this.offset, this.size);
    return [new TimeWindow(start, start + this.size)];
  }

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }

  isEventTime(): boolean {
    return false;
  }

  toString(): string {
    return `TumblingProcessingTimeWindows(${this.size})`;
  }
}
