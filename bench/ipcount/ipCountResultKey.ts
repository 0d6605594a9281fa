import { parseHms } from '../../samples/ipcount/logFormat';

/**
 * An IpCount result line as it must agree between runs: `sum` keeps the first record's time, and
 * which record of a window comes first depends on the parallelism (as in Flink), so the time is
 * replaced by its window's start.
 */
export function ipCountResultKey(line: string): string {
  const space = line.indexOf(' ');
  const t = parseHms(line.slice(0, space)).getTime();
  return `${t - (t % 5000)}${line.slice(space)}`;
}
