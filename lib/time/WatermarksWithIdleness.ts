import { Clock } from './Clock';
import { WatermarkGenerator, WatermarkOutput } from './WatermarkGenerator';

/**
 * Flink's WatermarksWithIdleness + IdlenessTimer: the periodic check notes when activity
 * stopped; once no element arrived for longer than `idleTimeoutMs` of processing time, the
 * output is marked idle instead of emitting a watermark. A new element only resumes the
 * delegate's periodic watermarks (and lets a later idle spell be reported again); it never marks
 * the output active: the operator's watermark emitter does that when a strictly higher watermark
 * goes out, so records that do not advance event time leave the stream idle downstream.
 */
export class WatermarksWithIdleness<T> implements WatermarkGenerator<T> {
  private counter = 0;
  private lastCounter = 0;
  private startOfInactivity = 0;
  private inactivityStarted = false;
  private idle = false;

  constructor(
    private readonly delegate: WatermarkGenerator<T>,
    private readonly idleTimeoutMs: number,
    private readonly clock: Clock,
  ) {
    if (idleTimeoutMs <= 0) throw new RangeError('idle timeout must be positive');
  }

  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void {
    this.delegate.onEvent(event, eventTimestamp, output);
    this.counter++;
    this.idle = false;
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    if (this.checkIfIdle()) {
      if (!this.idle) {
        this.idle = true;
        output.markIdle();
      }
    } else {
      this.delegate.onPeriodicEmit(output);
    }
  }

  private checkIfIdle(): boolean {
    if (this.counter !== this.lastCounter) {
      this.lastCounter = this.counter;
      this.inactivityStarted = false;
      return false;
    }
    if (!this.inactivityStarted) {
      this.inactivityStarted = true;
      this.startOfInactivity = this.clock.now();
      return false;
    }
    return this.clock.now() - this.startOfInactivity > this.idleTimeoutMs;
  }
}
