// Watermarks and timers: brook's extremes are the safe-integer bounds.
const MIN_WATERMARK = Number.MIN_SAFE_INTEGER;
const MAX_WATERMARK = Number.MAX_SAFE_INTEGER;

/**
 * The one way the dashboard writes a time, event time or wall-clock time alike: UTC,
 * `YYYY-MM-DD HH:mm:ss.SSS`, so that a watermark and the time it was seen compare at a glance.
 */
export function formatTime(t: number): string {
  return new Date(t).toISOString().replace('T', ' ').slice(0, 23);
}

/** An event time (a watermark, a timer): formatTime, or what brook's extremes mean. */
export function formatEventTime(t: number): string {
  if (t <= MIN_WATERMARK) return 'none';
  if (t >= MAX_WATERMARK) return 'end of input';
  return formatTime(t);
}

export function eventTimeTitle(t: number): string {
  if (t <= MIN_WATERMARK) return 'no watermark yet';
  if (t >= MAX_WATERMARK) return 'the maximum watermark: input has ended';
  return `${formatTime(t)} UTC (${t} ms since the epoch)`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatRate(r: number | null): string {
  if (r === null) return '–';
  return `${r >= 100 ? Math.round(r).toLocaleString('en-US') : r.toFixed(1)}/s`;
}

export function formatRatio(r: number | null): string {
  return r === null ? '–' : `${Math.round(r * 100)} %`;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h ${m}m ${sec}s` : m > 0 ? `${m}m ${sec}s` : `${sec}s`;
}

/** A wall-clock time of the cluster (a start, an end): formatTime, or '–' when there is none (-1). */
export function formatClockTime(t: number): string {
  return t < 0 ? '–' : formatTime(t);
}
