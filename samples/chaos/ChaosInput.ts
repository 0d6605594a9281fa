import { SeededRandom } from '../../lib/util/SeededRandom';

/** Client addresses of the synthetic access log (documentation ranges: never contacted). */
const IPS = [
  '203.0.113.1',
  '203.0.113.2',
  '203.0.113.3',
  '198.51.100.7',
  '198.51.100.8',
  '192.0.2.10',
  '192.0.2.11',
  '2001:db8::1',
  '2001:db8::2',
  '2001:db8::3',
];
const WINDOW_MS = 5000;
const DAY_START = Date.UTC(1970, 0, 1, 9, 0, 0);

/** A round's input: one access log (`HH:mm:ss ip` lines) per source stream. */
export interface ChaosInput {
  readonly streams: readonly (readonly string[])[];
}

export function totalLines(input: ChaosInput): number {
  return input.streams.reduce((n, s) => n + s.length, 0);
}

/**
 * `lines` lines over `streams` streams, each stream in event-time order: the sample assigns
 * ascending timestamps per source subtask, so out-of-order lines within a stream would be late
 * data it may drop, not a fault. The streams start at the same time and drift apart (each
 * steps by its own random 0-200 ms per line), so the window operator merges inputs whose
 * watermarks differ. Client addresses are skewed: a few are hot, most are rare.
 */
export function generateInput(random: SeededRandom, lines: number, streams: number): ChaosInput {
  const result: string[][] = [];
  for (let s = 0; s < streams; s++) {
    const n = Math.floor(lines / streams) + (s < lines % streams ? 1 : 0);
    const out: string[] = [];
    let t = DAY_START;
    for (let i = 0; i < n; i++) {
      t += random.nextInt(201);
      const ip = IPS[Math.floor(IPS.length * random.next() * random.next())];
      out.push(`${new Date(t).toISOString().slice(11, 19)} ${ip}`);
    }
    result.push(out);
  }
  return { streams: result };
}

/** `HH:mm:ss` → the start of its 5 s window, as `HH:mm:ss`. */
export function windowOf(hms: string): string {
  const [h, m, s] = hms.split(':').map(Number);
  const t = Date.UTC(1970, 0, 1, h, m, s);
  return new Date(t - (t % WINDOW_MS)).toISOString().slice(11, 19);
}

/**
 * The fault-free result computed straight from the input: the count per `window ip` (window
 * as its start `HH:mm:ss`). Every line counts: no stream is out of order, and the job reads
 * each stream on one source subtask.
 */
export function referenceCounts(input: ChaosInput): Map<string, number> {
  const counts = new Map<string, number>();
  for (const stream of input.streams) {
    for (const line of stream) {
      const [hms, ip] = line.split(' ');
      const key = `${windowOf(hms)} ${ip}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}
