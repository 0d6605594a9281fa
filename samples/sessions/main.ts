import { StreamExecutionEnvironment } from '../../actors';
import { integerFlag, runCommand, runMain } from '../common/commandLine';
import { defineSessionsJob } from './SessionsJob';
import { TRACKING_EVENTS } from './trackingEvents';

const USAGE = `usage: npm run sessions -- [--parallelism 1]

Per-user app sessions (30 s gap, event time) from a morning of tracking events; events that
arrive after their session closed are reported as late.`;

const OPTIONS = { parallelism: { type: 'string', short: 'p', default: '1' } } as const;

export function main(argv: string[]): Promise<number> {
  return runCommand(argv, USAGE, OPTIONS, async (args) => {
    const parallelism = integerFlag('parallelism', args.parallelism);
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    defineSessionsJob(env, TRACKING_EVENTS, parallelism).print().setParallelism(1);
    await env.execute('App Sessions');
    return 0;
  });
}

if (require.main === module) runMain(main);
