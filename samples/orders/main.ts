import { parseArgs } from 'util';
import { StreamExecutionEnvironment } from '../../lib';
import { defineOrdersJob } from './OrdersJob';

const USAGE = `usage: npm run orders -- [--orders 3000] [--parallelism 2]

A flash sale from a generator: orders per second (sliding 10 s windows every 5 s) and the top 3
products per minute (sliding 1 min windows every 30 s), printed in event-time order.`;

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        orders: { type: 'string', default: '3000' },
        parallelism: { type: 'string', short: 'p', default: '2' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const count = Number(args.orders);
  const parallelism = Number(args.parallelism);
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(parallelism) || parallelism < 1) {
    process.stderr.write(`invalid --orders or --parallelism\n${USAGE}\n`);
    return 2;
  }
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  defineOrdersJob(env, { count, parallelism }).print().setParallelism(1);
  await env.execute('Flash Sale Orders');
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
