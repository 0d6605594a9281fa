import { OutputDigest } from '../OutputDigest';
import { EventTimeCounter, parseLine } from './EventTimeCounter';
import { readLines } from './readLines';

/**
 * The limit: the IpCount work written by hand in one loop, with no framework. The same file
 * stream and line splitter as brook's file source, the same user functions (split, parse,
 * format) and a 5 s tumbling event-time window per IP on a Map.
 */
export async function runLimit(file: string, digest: OutputDigest): Promise<number> {
  const counter = new EventTimeCounter((line) => digest.add(line));
  const lines = await readLines(file, (line) => {
    const record = parseLine(line);
    if (record) counter.add(record);
  });
  counter.fire();
  return lines;
}
