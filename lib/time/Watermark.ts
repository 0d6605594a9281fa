/**
 * Event time is a number of milliseconds. Flink uses Long.MIN_VALUE / Long.MAX_VALUE as the
 * extremes; brook uses the safe-integer bounds so they survive JSON and arithmetic alike.
 */
export const MIN_WATERMARK = Number.MIN_SAFE_INTEGER;
/** Emitted by a bounded source when it ends, so that every pending event-time window fires. */
export const MAX_WATERMARK = Number.MAX_SAFE_INTEGER;
/** The timestamp of a record that has none (Flink: "Long.MIN_VALUE (= no timestamp marker)"). */
export const NO_TIMESTAMP = Number.MIN_SAFE_INTEGER;

export function formatWatermark(wm: number): string {
  if (wm === MIN_WATERMARK) return '-∞';
  if (wm === MAX_WATERMARK) return '+∞';
  return String(wm);
}
