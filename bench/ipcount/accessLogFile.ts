import fs from 'fs';
import { SeededRandom } from '../../lib/util/SeededRandom';

/**
 * Writes a synthetic `HH:mm:ss IP` access log for the IpCount benchmarks: ascending times
 * starting at 00:00:00 (200 lines per second: a 5 s window holds about 1,000 lines over 100 IPs), IPs
 * drawn from `hosts` addresses with a skew (a quarter of the hosts make most of the traffic).
 * Seeded, so every run reads the same file.
 */
export function writeAccessLog(path: string, lines: number, seed = 42, hosts = 100, linesPerSecond = 200): void {
  const random = new SeededRandom(seed);
  const ips = Array.from({ length: hosts }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
  const hot = Math.max(1, hosts >> 2);
  // Times must stay within one day (HH:mm:ss): raise the rate for very long files.
  const perSecond = Math.max(linesPerSecond, Math.ceil(lines / 86_000));
  const fd = fs.openSync(path, 'w');
  try {
    let chunk = '';
    for (let i = 0; i < lines; i++) {
      const second = Math.floor(i / perSecond);
      const ip = random.next() < 0.75 ? ips[random.nextInt(hot)] : ips[random.nextInt(hosts)];
      chunk += `${hms(second)} ${ip}\n`;
      if (chunk.length > 1 << 20) {
        fs.writeSync(fd, chunk);
        chunk = '';
      }
    }
    fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
}

function hms(second: number): string {
  const h = Math.floor(second / 3600);
  const m = Math.floor(second / 60) % 60;
  const s = second % 60;
  return `${two(h)}:${two(m)}:${two(s)}`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
