/** Flink's web UI levels for a subtask's backpressure ratio: OK up to 10 %, LOW up to 50 %, HIGH above. */
export type BackPressureLevel = 'OK' | 'LOW' | 'HIGH';

export function backPressureLevel(ratio: number): BackPressureLevel {
  if (ratio <= 0.1) return 'OK';
  if (ratio <= 0.5) return 'LOW';
  return 'HIGH';
}

export interface BackPressureSnapshot {
  /** Total milliseconds spent backpressured (unable to emit for lack of credit). */
  readonly backPressuredTimeMs: number;
  /**
   * Flink's backPressuredTimeMsPerSecond: backpressured ms per second over the last complete
   * interval (over the time so far before the first interval completes).
   */
  readonly backPressuredTimeMsPerSecond: number;
  /** The same as a share of time, 0..1, as Flink's UI shows it per subtask. */
  readonly backPressureRatio: number;
  readonly backPressureLevel: BackPressureLevel;
}

/**
 * Measures how much of a subtask's time is spent backpressured, as Flink's TimerGauge does for
 * backPressuredTimeMsPerSecond: time is cut into fixed intervals (5 s, Flink's metric view
 * update interval) from the start, and the rate is that of the last complete interval. Exact
 * for any sequence of block/unblock calls, so a test on a ManualClock can assert it.
 */
export class BackPressureGauge {
  private blockedSince: number | undefined;
  private total = 0;
  private start: number | undefined;
  private nextBoundary = 0;
  private totalAtLastBoundary = 0;
  private lastIntervalMs: number | undefined;

  constructor(private readonly intervalMs = 5000) {
    if (!(intervalMs > 0)) throw new RangeError(`interval must be > 0, got ${intervalMs}`);
  }

  /** Starts measuring (the task is RUNNING). */
  begin(now: number): void {
    this.start = now;
    this.nextBoundary = now + this.intervalMs;
  }

  markBlocked(now: number): void {
    if (this.blockedSince !== undefined) return;
    this.advance(now);
    this.blockedSince = now;
  }

  markUnblocked(now: number): void {
    if (this.blockedSince === undefined) return;
    this.advance(now);
    this.total += now - this.blockedSince;
    this.blockedSince = undefined;
  }

  snapshot(now: number): BackPressureSnapshot {
    this.advance(now);
    const total = this.totalAt(now);
    let perSecond: number;
    if (this.lastIntervalMs !== undefined) perSecond = (this.lastIntervalMs / this.intervalMs) * 1000;
    else {
      const elapsed = this.start === undefined ? 0 : now - this.start;
      perSecond = elapsed > 0 ? (total / elapsed) * 1000 : 0;
    }
    const ratio = Math.min(1, perSecond / 1000);
    return {
      backPressuredTimeMs: total,
      backPressuredTimeMsPerSecond: perSecond,
      backPressureRatio: ratio,
      backPressureLevel: backPressureLevel(ratio),
    };
  }

  private totalAt(t: number): number {
    return this.total + (this.blockedSince === undefined ? 0 : Math.max(0, t - this.blockedSince));
  }

  /** Closes every interval that ended by `now`, knowing whether the task was blocked through it. */
  private advance(now: number): void {
    if (this.start === undefined) return;
    while (now >= this.nextBoundary) {
      const atBoundary = this.totalAt(this.nextBoundary);
      this.lastIntervalMs = atBoundary - this.totalAtLastBoundary;
      this.totalAtLastBoundary = atBoundary;
      this.nextBoundary += this.intervalMs;
    }
  }
}
