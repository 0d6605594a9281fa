import { parseArgs } from 'util';
import { StreamExecutionEnvironment } from '../../lib';
import { defineSessionsJob } from './SessionsJob';
import { TRACKING_EVENTS } from './trackingEvents';

const USAGE = `usage: npm run sessions -- [--parallelism 1]

Per-user app sessions (30 s gap, event time) from a morning of tracking events; events that
arrive after their session closed are reported as late.`;

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: { parallelism: { type: 'string', short: 'p', default: '1' }, help: { type: 'boolean', short: 'h', default: false } },
    }).values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const parallelism = Number(args.parallelism);
  if (!Number.isInteger(parallelism) || parallelism < 1) {
    process.stderr.write(`invalid --parallelism ${args.parallelism}\n`);
    return 2;
  }
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  defineSessionsJob(env, TRACKING_EVENTS, parallelism).print().setParallelism(1);
  await env.execute('App Sessions');
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
