import { StreamExecutionEnvironment } from '../../actors';
import { MalformedRecordError } from '../../lib/runtime/errors';
import { parseHms, splitLogLine } from '../../samples/ipcount/logFormat';
import { OutputDigest } from '../OutputDigest';

/** What the slow sink costs per record (a busy wait: it takes the CPU, as slow sink code would). */
export const SLOW_SINK_MICROS = 10;

/**
 * Backpressure: parse an access log into a sink slower than everything before it. Throughput must fall to the sink's pace, and resident memory
 * stay flat whatever the input size: credits stop the source task, which stops reading the file.
 */
export async function runSlowSinkJob(file: string, creditsPerChannel?: number): Promise<{ records: number; digest: string; maxRecordsInFlight: number }> {
  const digest = new OutputDigest();
  // Records read minus records the sink has taken: what waits in queues and mailboxes.
  let read = 0;
  let sunk = 0;
  let maxRecordsInFlight = 0;
  // creditsPerChannel: Infinity shows what credits buy: nothing stops the source then.
  const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 1, creditsPerChannel });
  env
    .readTextFile(file)
    .map((line) => {
      read++;
      return line;
    })
    .map((line) => {
      try {
        return parseHms(splitLogLine(line)[0]).getTime();
      } catch (e) {
        if (e instanceof MalformedRecordError) return -1;
        throw e;
      }
    })
    .disableChaining()
    .addSink((time) => {
      const until = performance.now() + SLOW_SINK_MICROS / 1000;
      while (performance.now() < until);
      digest.addNumber(time);
      maxRecordsInFlight = Math.max(maxRecordsInFlight, read - ++sunk);
    });
  const result = await env.execute('slow sink');
  const records = result.vertices.filter((v) => v.name.startsWith('Source')).reduce((n, v) => n + v.numRecordsOut, 0);
  return { records, digest: digest.toString(), maxRecordsInFlight };
}
