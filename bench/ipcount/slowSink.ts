import { StreamExecutionEnvironment } from '../../lib';
import { MalformedRecordError } from '../../lib/runtime/errors';
import { parseHms, splitLogLine } from '../../samples/ipcount/logFormat';
import { OutputDigest } from '../OutputDigest';

/** What the slow sink costs per record (a busy wait: it takes the CPU, as slow sink code would). */
export const SLOW_SINK_MICROS = 10;

/**
 * Backpressure: parse an access log into a sink slower than everything before it. Throughput must fall to the sink's pace, and resident memory
 * stay flat whatever the input size: credits stop the source task, which stops reading the file.
 */
export async function runSlowSinkJob(file: string): Promise<{ records: number; digest: string }> {
  const digest = new OutputDigest();
  const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 1 });
  env
    .readTextFile(file)
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
    });
  const result = await env.execute('slow sink');
  const records = result.vertices.filter((v) => v.name.startsWith('Source')).reduce((n, v) => n + v.numRecordsOut, 0);
  return { records, digest: digest.toString() };
}
