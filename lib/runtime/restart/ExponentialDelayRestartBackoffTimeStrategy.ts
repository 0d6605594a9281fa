import { Clock } from '../../time/Clock';
import { checkArgument } from '../../util/checkArgument';
import type { RestartBackoffTimeStrategy } from './RestartBackoffTimeStrategy';

export interface ExponentialDelaySettings {
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly backoffMultiplier: number;
  readonly resetBackoffThresholdMs: number;
  readonly jitterFactor: number;
  readonly attemptsBeforeResetBackoff: number;
}

const NO_RESTART_SCHEDULED = -2_147_483_648; // Flink: Integer.MIN_VALUE

/**
 * Flink's exponential-delay (FLIP-364): attempt k waits initial × multiplier^k (plus a jitter of
 * ± jitterFactor of it), clamped to [initial, max]. Failures that arrive before the scheduled
 * restart merge into it. When the job ran for `resetBackoffThreshold` since the last scheduled
 * restart, the attempt count starts again; it restarts while attempts ≤ attemptsBeforeResetBackoff.
 */
export class ExponentialDelayRestartBackoffTimeStrategy implements RestartBackoffTimeStrategy {
  private currentRestartAttempt = 0;
  private nextRestartTimestamp = NO_RESTART_SCHEDULED;

  constructor(
    private readonly clock: Clock,
    private readonly settings: ExponentialDelaySettings,
    /** A uniform draw in [0, 1); Flink uses ThreadLocalRandom. */
    private readonly random: () => number,
  ) {
    const s = settings;
    checkArgument(s.initialBackoffMs >= 1, 'Initial backoff must be at least 1.');
    checkArgument(s.maxBackoffMs >= 1, 'Maximum backoff must be at least 1.');
    checkArgument(s.initialBackoffMs <= s.maxBackoffMs, 'Initial backoff cannot be higher than maximum backoff.');
    checkArgument(s.backoffMultiplier > 1, 'Backoff multiplier must be greater than 1.');
    checkArgument(s.resetBackoffThresholdMs >= 1, 'Threshold duration for exponential backoff reset must be at least 1.');
    checkArgument(s.jitterFactor >= 0 && s.jitterFactor <= 1, 'Jitter factor must be >= 0 and <= 1.');
    checkArgument(s.attemptsBeforeResetBackoff >= 1, 'The attemptsBeforeResetBackoff must be at least 1.');
  }

  canRestart(): boolean {
    return this.currentRestartAttempt <= this.settings.attemptsBeforeResetBackoff;
  }

  getBackoffTime(): number {
    if (this.nextRestartTimestamp === NO_RESTART_SCHEDULED) throw new Error('Please call notifyFailure first.');
    return Math.max(0, this.nextRestartTimestamp - this.clock.now());
  }

  notifyFailure(): boolean {
    const now = this.clock.now();
    // Merge multiple failures into one attempt if there are tasks that will be restarted later.
    if (now <= this.nextRestartTimestamp) return false;
    if (now - this.nextRestartTimestamp >= this.settings.resetBackoffThresholdMs) this.currentRestartAttempt = 0;
    this.nextRestartTimestamp = now + this.calculateActualBackoffTime();
    this.currentRestartAttempt++;
    return true;
  }

  toString(): string {
    const s = this.settings;
    return (
      `ExponentialDelayRestartBackoffTimeStrategy(initialBackoffMS=${s.initialBackoffMs}, maxBackoffMS=${s.maxBackoffMs}, ` +
      `backoffMultiplier=${s.backoffMultiplier}, resetBackoffThresholdMS=${s.resetBackoffThresholdMs}, jitterFactor=${s.jitterFactor}, ` +
      `attemptsBeforeResetBackoff=${s.attemptsBeforeResetBackoff}, currentRestartAttempt=${this.currentRestartAttempt}, ` +
      `nextRestartTimestamp=${this.nextRestartTimestamp})`
    );
  }

  private calculateActualBackoffTime(): number {
    const { initialBackoffMs, backoffMultiplier, maxBackoffMs } = this.settings;
    // Java's (long) cast truncates toward zero.
    const current = Math.trunc(initialBackoffMs * Math.pow(backoffMultiplier, this.currentRestartAttempt));
    return Math.max(initialBackoffMs, Math.min(current + this.jitter(current), maxBackoffMs));
  }

  /** A uniform integer in [-offset, offset] with offset = (long) (backoff × jitterFactor). */
  private jitter(backoffMs: number): number {
    if (this.settings.jitterFactor === 0) return 0;
    const offset = Math.trunc(backoffMs * this.settings.jitterFactor);
    return -offset + Math.floor(this.random() * (2 * offset + 1));
  }
}
