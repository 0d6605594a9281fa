/** Flink's ExecutionConfig: the settings a job's runtime reads. */
export class ExecutionConfig {
  private autoWatermarkInterval = 200;

  /** How often (processing time, ms) periodic watermarks are emitted; 0 disables them. */
  setAutoWatermarkInterval(intervalMs: number): this {
    if (!Number.isFinite(intervalMs) || intervalMs < 0) throw new RangeError(`autoWatermarkInterval must be >= 0, got ${intervalMs}`);
    this.autoWatermarkInterval = intervalMs;
    return this;
  }

  getAutoWatermarkInterval(): number {
    return this.autoWatermarkInterval;
  }
}
