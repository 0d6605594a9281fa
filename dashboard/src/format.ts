// Watermarks and timers: brook's extremes are the safe-integer bounds.
const MIN_WATERMARK = Number.MIN_SAFE_INTEGER;
const MAX_WATERMARK = Number.MAX_SAFE_INTEGER;

/** An event time as HH:mm:ss.SSS (UTC); the full date is in `eventTimeTitle`. */
export function formatEventTime(t: number): string {
  if (t <= MIN_WATERMARK) return 'none';
  if (t >= MAX_WATERMARK) return 'end of input';
  return new Date(t).toISOString().slice(11, 23);
}

export function eventTimeTitle(t: number): string {
  if (t <= MIN_WATERMARK) return 'no watermark yet';
  if (t >= MAX_WATERMARK) return 'the maximum watermark: input has ended';
  return `${new Date(t).toISOString()} (${t} ms)`;
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

export function formatClockTime(t: number): string {
  return t < 0 ? '–' : new Date(t).toISOString().replace('T', ' ').slice(0, 19);
}
