import { StreamExecutionEnvironment } from '../../actors';
import { TextWriter } from '../../lib/runtime/StreamOperator';
import { defineIpCountJob } from '../../samples/ipcount/IpCountJob';
import { OutputDigest } from '../OutputDigest';

/** The IpCount sample job from a file, as `npm run ipcount -- --file` runs it, printing into the digest. */
export async function runBrookIpCount(file: string, parallelism: number, digest: OutputDigest): Promise<number> {
  const stdout: TextWriter = { write: (s) => digest.addText(s) };
  const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism, stdout });
  defineIpCountJob(env, { file }, parallelism);
  const result = await env.execute('IpCount benchmark');
  const source = result.vertices[0].operators[0];
  return source.numRecordsOut;
}
