/**
 * Flink's RestartBackoffTimeStrategy: told of every failure, it says whether the job may restart
 * and after how long. Time comes from the job's clock, so tests drive it on a ManualClock.
 */
export interface RestartBackoffTimeStrategy {
  canRestart(): boolean;
  /** Milliseconds to wait before restarting. */
  getBackoffTime(): number;
  /**
   * Records a failure. Returns false when the failure was merged into a restart already
   * scheduled (exponential-delay does that), so it does not count as a new attempt.
   */
  notifyFailure(cause: unknown): boolean;
  toString(): string;
}
