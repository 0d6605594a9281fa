import { Clock } from '../../time/Clock';
import { checkArgument } from '../../util/checkArgument';
import type { RestartBackoffTimeStrategy } from './RestartBackoffTimeStrategy';

/**
 * Flink's failure-rate: restarts while fewer than `maxFailuresPerInterval` + 1 failures fell
 * within `failuresIntervalMs` (the queue of failure times is full at more than the maximum,
 * and then the oldest must be older than the interval).
 */
export class FailureRateRestartBackoffTimeStrategy implements RestartBackoffTimeStrategy {
  private readonly failureTimestamps: number[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly maxFailuresPerInterval: number,
    private readonly failuresIntervalMs: number,
    private readonly backoffTimeMs: number,
  ) {
    checkArgument(
      Number.isInteger(maxFailuresPerInterval) && maxFailuresPerInterval > 0,
      'Maximum number of restart attempts per time unit must be greater than 0.',
    );
    checkArgument(failuresIntervalMs > 0, 'Failures interval must be greater than 0 ms.');
    checkArgument(backoffTimeMs >= 0, 'Backoff time must be at least 0 ms.');
  }

  canRestart(): boolean {
    if (!this.isFailureTimestampsQueueFull()) return true;
    return this.clock.now() - this.failureTimestamps[0] > this.failuresIntervalMs;
  }

  getBackoffTime(): number {
    return this.backoffTimeMs;
  }

  notifyFailure(): boolean {
    if (this.isFailureTimestampsQueueFull()) this.failureTimestamps.shift();
    this.failureTimestamps.push(this.clock.now());
    return true;
  }

  toString(): string {
    return `FailureRateRestartBackoffTimeStrategy(failuresIntervalMS=${this.failuresIntervalMs},backoffTimeMS=${this.backoffTimeMs},maxFailuresPerInterval=${this.maxFailuresPerInterval})`;
  }

  private isFailureTimestampsQueueFull(): boolean {
    return this.failureTimestamps.length > this.maxFailuresPerInterval;
  }
}
