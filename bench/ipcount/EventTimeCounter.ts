import { MalformedRecordError } from '../../lib/runtime/errors';
import { formatHms, parseHms, splitLogLine } from '../../samples/ipcount/logFormat';

const WINDOW_MS = 5000;

/** What the peers' pipelines carry after parsing: the seed job's IpAndCount. */
export interface ParsedLine {
  readonly date: Date;
  readonly ip: string;
}

/** The IpCount user functions (split, parse), returning undefined for a malformed line. */
export function parseLine(line: string): ParsedLine | undefined {
  try {
    const words = splitLogLine(line);
    return { date: parseHms(words[0]), ip: words[1] };
  } catch (e) {
    if (e instanceof MalformedRecordError) return undefined;
    throw e;
  }
}

/**
 * The event-time window a peer library needs written for it: 5 s tumbling windows per IP,
 * closed when an element's time passes the window's end (ascending input, like the brook job's
 * monotonous watermark). Emits `HH:mm:ss ip count` with the first record's time, as sum() does.
 */
export class EventTimeCounter {
  private windowEnd = Number.NEGATIVE_INFINITY;
  private counts = new Map<string, { date: Date; count: number }>();

  constructor(private readonly emit: (line: string) => void) {}

  add(record: ParsedLine): void {
    const time = record.date.getTime();
    if (time >= this.windowEnd) {
      this.fire();
      this.windowEnd = time - (time % WINDOW_MS) + WINDOW_MS;
    }
    const c = this.counts.get(record.ip);
    if (c) c.count++;
    else this.counts.set(record.ip, { date: record.date, count: 1 });
  }

  /** End of input: the last window fires (brook's bounded source emits the maximum watermark). */
  fire(): void {
    if (this.counts.size === 0) return;
    for (const [ip, c] of this.counts) this.emit(`${formatHms(c.date)} ${ip} ${c.count}`);
    this.counts = new Map();
  }
}
