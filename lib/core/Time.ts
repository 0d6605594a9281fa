/**
 * An amount of time in milliseconds, built the way Flink's `Time` is. It may be negative (a
 * window offset such as `Time.hours(-8)` for a time zone); APIs that need a duration check it.
 */
export class Time {
  private constructor(private readonly ms: number) {
    if (!Number.isFinite(ms)) throw new RangeError(`Time must be finite, got ${ms}`);
  }

  static milliseconds(n: number): Time {
    return new Time(n);
  }
  static seconds(n: number): Time {
    return new Time(n * 1000);
  }
  static minutes(n: number): Time {
    return new Time(n * 60_000);
  }
  static hours(n: number): Time {
    return new Time(n * 3_600_000);
  }
  static days(n: number): Time {
    return new Time(n * 86_400_000);
  }

  toMilliseconds(): number {
    return this.ms;
  }
}

/** APIs accept either a {@link Time} or a number of milliseconds. */
export type Duration = Time | number;

export function toMillis(d: Duration): number {
  const ms = typeof d === 'number' ? d : d.toMilliseconds();
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`expected a non-negative duration in ms, got ${ms}`);
  return ms;
}
