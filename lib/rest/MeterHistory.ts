/** How far back per-second rates look (Flink's MeterView averages over a time span, too). */
export const DEFAULT_RATE_WINDOW_MS = 5000;

interface Sample {
  readonly time: number;
  readonly values: readonly number[];
}

/**
 * Per-second rates of counters sampled at irregular times (whenever the REST API is asked), on
 * the cluster's clock: (newest - oldest) / elapsed over the samples of the last `windowMs`,
 * keeping one older sample when the window would hold only the newest, so that a slow poller
 * still gets a rate. null until two samples at different times exist.
 */
export class MeterHistory {
  private readonly samples = new Map<string, Sample[]>();

  constructor(private readonly windowMs = DEFAULT_RATE_WINDOW_MS) {}

  /** Records the counters of `key` at `time`; returns their rates per second. */
  record(key: string, time: number, values: readonly number[]): Array<number | null> {
    let list = this.samples.get(key);
    if (!list) this.samples.set(key, (list = []));
    const last = list[list.length - 1];
    if (last && time < last.time) return values.map(() => null); // answers that crossed: ignore the older
    if (last && last.time === time) list[list.length - 1] = { time, values };
    else list.push({ time, values });
    let drop = 0;
    while (drop < list.length - 2 && list[drop + 1].time <= time - this.windowMs) drop++;
    if (drop > 0) list.splice(0, drop);
    const first = list[0];
    if (list.length < 2 || first.time === time) return values.map(() => null);
    const seconds = (time - first.time) / 1000;
    return values.map((v, i) => (v - first.values[i]) / seconds);
  }

  /** Forgets every key that starts with `prefix` (a job that ended). */
  forget(prefix: string): void {
    for (const key of this.samples.keys()) if (key.startsWith(prefix)) this.samples.delete(key);
  }

  get size(): number {
    return this.samples.size;
  }
}
