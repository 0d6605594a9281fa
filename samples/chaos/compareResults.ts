import { windowOf } from './ChaosInput';

/** How the committed results differ from the reference, per `window ip`. */
export interface ResultDifferences {
  /** Results compared: the keys of the reference. */
  readonly compared: number;
  /** Keys of the reference with no committed result. */
  readonly lost: readonly string[];
  /** Keys with more than one committed result: `key: count, count…`. */
  readonly doubled: readonly string[];
  /** Keys with one committed result whose count is wrong: `key: got N, expected M`. */
  readonly wrong: readonly string[];
  /** Committed results for keys the reference does not have. */
  readonly unexpected: readonly string[];
}

export function differenceCount(d: ResultDifferences): number {
  return d.lost.length + d.doubled.length + d.wrong.length + d.unexpected.length;
}

/**
 * Compares the sink's lines (`HH:mm:ss ip count`, the time being the first record's of its
 * window, which is not deterministic over several input channels) with the reference counts.
 */
export function compareResults(reference: ReadonlyMap<string, number>, committed: readonly string[]): ResultDifferences {
  const got = new Map<string, number[]>();
  const unexpected: string[] = [];
  for (const line of committed) {
    const [hms, ip, count] = line.split(' ');
    if (hms === undefined || ip === undefined || count === undefined || !/^\d\d:\d\d:\d\d$/.test(hms)) {
      unexpected.push(`malformed result ${JSON.stringify(line)}`);
      continue;
    }
    const key = `${windowOf(hms)} ${ip}`;
    const counts = got.get(key);
    if (counts) counts.push(Number(count));
    else got.set(key, [Number(count)]);
  }
  const lost: string[] = [];
  const doubled: string[] = [];
  const wrong: string[] = [];
  for (const [key, expected] of reference) {
    const counts = got.get(key);
    if (!counts) lost.push(key);
    else if (counts.length > 1) doubled.push(`${key}: ${counts.join(', ')} (expected ${expected})`);
    else if (counts[0] !== expected) wrong.push(`${key}: got ${counts[0]}, expected ${expected}`);
  }
  for (const [key, counts] of got) if (!reference.has(key)) unexpected.push(`${key}: ${counts.join(', ')}`);
  return { compared: reference.size, lost, doubled, wrong, unexpected };
}
