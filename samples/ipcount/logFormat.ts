import { isIP } from 'net';
import { MalformedRecordError } from '../../actors';

/** "HH:mm:ss" with hours 0–23 and minutes, seconds 0–59. */
const HMS = /^([01]\d|2[0-3]):([0-5]\d):([0-5]\d)$/;
/** nginx's combined/main format: `$remote_addr - $remote_user [$time_local] "…"`. */
const NGINX = /^(\S+) \S+ \S+ \[\d{2}\/[A-Za-z]{3}\/\d{4}:(\d{2}:\d{2}:\d{2}) [+-]\d{4}\]/;

/**
 * The words of an access-log line, as the seed job expects them: [HH:mm:ss, ip]. Accepts the
 * seed's `HH:mm:ss IP` and nginx access-log lines; anything else throws MalformedRecordError,
 * which brook counts as a skipped record instead of failing the job.
 */
export function splitLogLine(line: string): string[] {
  const nginx = NGINX.exec(line);
  // net.isIP is Node's own address parser: a character-class regex let `:` and `::::` through.
  const words = nginx ? [nginx[2], nginx[1]] : line.trim().split(/\s+/);
  if (words.length !== 2 || !HMS.test(words[0]) || isIP(words[1]) === 0) {
    throw new MalformedRecordError('not an `HH:mm:ss IP` or nginx access-log line', line);
  }
  return words;
}

/**
 * Java's `new SimpleDateFormat("HH:mm:ss").parse(s)`: that time on 1970-01-01. brook reads it
 * as UTC so that runs do not depend on the machine's time zone; parse and format agree, and
 * time zones move 5 s windows by whole multiples of 5 s, so windows and printed times are the
 * same as Flink's.
 */
export function parseHms(hms: string): Date {
  const m = HMS.exec(hms);
  if (!m) throw new MalformedRecordError(`not a HH:mm:ss time: ${JSON.stringify(hms)}`, hms);
  return new Date(Date.UTC(1970, 0, 1, Number(m[1]), Number(m[2]), Number(m[3])));
}

/** Java's `new SimpleDateFormat("HH:mm:ss").format(date)`, in UTC like parseHms. */
export function formatHms(date: Date): string {
  return date.toISOString().slice(11, 19);
}
