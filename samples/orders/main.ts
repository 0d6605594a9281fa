import { StreamExecutionEnvironment } from '../../actors';
import { integerFlag, runCommand, runMain } from '../common/commandLine';
import { defineOrdersJob } from './OrdersJob';

const USAGE = `usage: npm run orders -- [--orders 3000] [--parallelism 2]

A flash sale from a generator: orders per second (sliding 10 s windows every 5 s) and the top 3
products per minute (sliding 1 min windows every 30 s), printed in event-time order.`;

const OPTIONS = {
  orders: { type: 'string', default: '3000' },
  parallelism: { type: 'string', short: 'p', default: '2' },
} as const;

export function main(argv: string[]): Promise<number> {
  return runCommand(argv, USAGE, OPTIONS, async (args) => {
    const count = integerFlag('orders', args.orders);
    const parallelism = integerFlag('parallelism', args.parallelism);
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    defineOrdersJob(env, { count, parallelism }).print().setParallelism(1);
    await env.execute('Flash Sale Orders');
    return 0;
  });
}

if (require.main === module) runMain(main);
