import { checkArgument } from '../../util/checkArgument';
import type { RestartBackoffTimeStrategy } from './RestartBackoffTimeStrategy';

/** Flink's fixed-delay: up to `attempts` restarts, each after `delayMs`. */
export class FixedDelayRestartBackoffTimeStrategy implements RestartBackoffTimeStrategy {
  private currentRestartAttempt = 0;

  constructor(
    private readonly maxNumberRestartAttempts: number,
    private readonly backoffTimeMs: number,
  ) {
    checkArgument(Number.isInteger(maxNumberRestartAttempts) && maxNumberRestartAttempts >= 0, 'Maximum number of restart attempts must be at least 0.');
    checkArgument(backoffTimeMs >= 0, 'Backoff time between restart attempts must be at least 0 ms.');
  }

  canRestart(): boolean {
    return this.currentRestartAttempt <= this.maxNumberRestartAttempts;
  }

  getBackoffTime(): number {
    return this.backoffTimeMs;
  }

  notifyFailure(): boolean {
    this.currentRestartAttempt++;
    return true;
  }

  toString(): string {
    return `FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=${this.maxNumberRestartAttempts}, backoffTimeMS=${this.backoffTimeMs})`;
  }
}
