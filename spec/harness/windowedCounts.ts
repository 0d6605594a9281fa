/** The keyed windowed job of the process specs: KEYS keys, one record every 10 ms of event time, 1 s windows. */
export const KEYS = 5;
/** Records per 1 s event-time window. */
export const PER_WINDOW = 100;

/** Every window of every key after `records` records: `key windowStart count`, sorted. */
export function expectedLines(records: number): string[] {
  const lines: string[] = [];
  for (let w = 0; w < records / PER_WINDOW; w++) {
    for (let k = 0; k < KEYS; k++) lines.push(`k${k} ${w * 1000} ${PER_WINDOW / KEYS}`);
  }
  return lines.sort();
}
