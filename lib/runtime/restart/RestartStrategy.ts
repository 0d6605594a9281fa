import { Clock } from '../../time/Clock';
import { ExponentialDelayRestartBackoffTimeStrategy } from './ExponentialDelayRestartBackoffTimeStrategy';
import { FailureRateRestartBackoffTimeStrategy } from './FailureRateRestartBackoffTimeStrategy';
import { FixedDelayRestartBackoffTimeStrategy } from './FixedDelayRestartBackoffTimeStrategy';
import { RestartBackoffTimeStrategy } from './RestartBackoffTimeStrategy';

/** Plain-data restart settings, with Flink's names and defaults (RestartStrategyOptions). */
export type RestartStrategyConfig =
  | { readonly type: 'none' }
  | { readonly type: 'fixed-delay'; readonly attempts?: number; readonly delayMs?: number }
  | {
      readonly type: 'failure-rate';
      readonly maxFailuresPerInterval?: number;
      readonly failureRateIntervalMs?: number;
      readonly delayMs?: number;
    }
  | {
      readonly type: 'exponential-delay';
      readonly initialBackoffMs?: number;
      readonly maxBackoffMs?: number;
      readonly backoffMultiplier?: number;
      readonly resetBackoffThresholdMs?: number;
      readonly jitterFactor?: number;
      readonly attemptsBeforeResetBackoff?: number;
    };

/** Flink's defaults (restart-strategy.*), as of Flink 1.19 / 2.x. */
export const RESTART_DEFAULTS = {
  fixedDelay: { attempts: 1, delayMs: 1000 },
  failureRate: { maxFailuresPerInterval: 1, failureRateIntervalMs: 60_000, delayMs: 1000 },
  exponentialDelay: {
    initialBackoffMs: 1000,
    maxBackoffMs: 60_000,
    backoffMultiplier: 1.5,
    resetBackoffThresholdMs: 3_600_000,
    jitterFactor: 0.1,
    attemptsBeforeResetBackoff: Number.MAX_SAFE_INTEGER,
  },
} as const;

/**
 * Flink: with no restart strategy configured, a job with checkpointing enabled restarts with
 * exponential-delay (since 1.19; fixed-delay with unlimited attempts before), one without
 * checkpointing does not restart.
 */
export function defaultRestartStrategy(checkpointingEnabled: boolean): RestartStrategyConfig {
  return checkpointingEnabled ? { type: 'exponential-delay' } : { type: 'none' };
}

export class NoRestartBackoffTimeStrategy implements RestartBackoffTimeStrategy {
  canRestart(): boolean {
    return false;
  }
  getBackoffTime(): number {
    return 0;
  }
  notifyFailure(): boolean {
    return true;
  }
  toString(): string {
    return 'NoRestartBackoffTimeStrategy';
  }
}

/**
 * Creates the strategy for one job. `random` draws the exponential-delay jitter (injectable, so
 * tests can pin it; Flink uses ThreadLocalRandom).
 */
export function createRestartStrategy(config: RestartStrategyConfig, clock: Clock, random: () => number = Math.random): RestartBackoffTimeStrategy {
  switch (config.type) {
    case 'none':
      return new NoRestartBackoffTimeStrategy();
    case 'fixed-delay': {
      const d = RESTART_DEFAULTS.fixedDelay;
      return new FixedDelayRestartBackoffTimeStrategy(config.attempts ?? d.attempts, config.delayMs ?? d.delayMs);
    }
    case 'failure-rate': {
      const d = RESTART_DEFAULTS.failureRate;
      return new FailureRateRestartBackoffTimeStrategy(
        clock,
        config.maxFailuresPerInterval ?? d.maxFailuresPerInterval,
        config.failureRateIntervalMs ?? d.failureRateIntervalMs,
        config.delayMs ?? d.delayMs,
      );
    }
    case 'exponential-delay': {
      const d = RESTART_DEFAULTS.exponentialDelay;
      return new ExponentialDelayRestartBackoffTimeStrategy(
        clock,
        {
          initialBackoffMs: config.initialBackoffMs ?? d.initialBackoffMs,
          maxBackoffMs: config.maxBackoffMs ?? d.maxBackoffMs,
          backoffMultiplier: config.backoffMultiplier ?? d.backoffMultiplier,
          resetBackoffThresholdMs: config.resetBackoffThresholdMs ?? d.resetBackoffThresholdMs,
          jitterFactor: config.jitterFactor ?? d.jitterFactor,
          attemptsBeforeResetBackoff: config.attemptsBeforeResetBackoff ?? d.attemptsBeforeResetBackoff,
        },
        random,
      );
    }
  }
}

/**
 * How a restart message names the strategy: fixed-delay with its cap (`fixed-delay(3)`), the
 * others, which have no cap on the total, by name and rate.
 */
export function describeRestartLimit(config: RestartStrategyConfig): { readonly strategy: string; readonly limited: boolean } {
  switch (config.type) {
    case 'none':
      return { strategy: 'none', limited: true };
    case 'fixed-delay':
      return { strategy: `fixed-delay(${config.attempts ?? RESTART_DEFAULTS.fixedDelay.attempts})`, limited: true };
    case 'failure-rate': {
      const d = RESTART_DEFAULTS.failureRate;
      const max = config.maxFailuresPerInterval ?? d.maxFailuresPerInterval;
      return { strategy: `failure-rate(${max} per ${config.failureRateIntervalMs ?? d.failureRateIntervalMs} ms)`, limited: false };
    }
    case 'exponential-delay': {
      const attempts = config.attemptsBeforeResetBackoff ?? RESTART_DEFAULTS.exponentialDelay.attemptsBeforeResetBackoff;
      return attempts === Number.MAX_SAFE_INTEGER
        ? { strategy: 'exponential-delay', limited: false }
        : { strategy: `exponential-delay(${attempts} before the backoff resets)`, limited: false };
    }
  }
}
