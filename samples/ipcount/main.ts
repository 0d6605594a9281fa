import { parseArgs } from 'util';
import { JobExecutionResult, StreamExecutionEnvironment } from '../../lib';
import { executeOnTaskManagerThreads } from '../../lib/api/executeOnTaskManagerThreads';
import { defineIpCountJob, IpCountInput, ipCountJob } from './IpCountJob';

const USAGE = `usage: npm run ipcount -- [--host localhost] [--port 9999] [--parallelism 4] [--file PATH] [--task-managers N] [--explain]

Counts requests per IP in 5 s event-time windows from a log service (a TCP server sending
"HH:mm:ss IP" or nginx access-log lines), or from a file with --file. Start one with
"npm run logserver". Exits 0 when the log service closes the connection. With
--task-managers N the job runs on N TaskManagers, each on its own worker thread.`;

/** One line for stderr: how much input there was and how much of it was skipped. */
export function inputSummary(result: JobExecutionResult): string {
  const source = result.vertices.flatMap((v) => v.operators).find((o) => o.operatorName.startsWith('Source:'));
  const read = source?.numRecordsOut ?? 0;
  const skipped = result.vertices.reduce((n, v) => n + v.numRecordsSkipped, 0);
  return `IpCount: ${read} lines read, ${skipped} malformed line${skipped === 1 ? '' : 's'} skipped`;
}

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        host: { type: 'string', default: 'localhost' },
        port: { type: 'string', default: '9999' },
        parallelism: { type: 'string', short: 'p', default: '4' },
        file: { type: 'string' },
        'task-managers': { type: 'string' },
        explain: { type: 'boolean', default: false },
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
  const port = Number(args.port);
  const parallelism = Number(args.parallelism);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    process.stderr.write(`invalid --port ${args.port}\n`);
    return 2;
  }
  if (!Number.isInteger(parallelism) || parallelism < 1) {
    process.stderr.write(`invalid --parallelism ${args.parallelism}\n`);
    return 2;
  }
  const input: IpCountInput = args.file ? { file: args.file } : { host: args.host!, port };
  if (args['task-managers'] !== undefined) {
    const numberOfTaskManagers = Number(args['task-managers']);
    if (!Number.isInteger(numberOfTaskManagers) || numberOfTaskManagers < 1) {
      process.stderr.write(`invalid --task-managers ${args['task-managers']}\n`);
      return 2;
    }
    try {
      const { result } = await executeOnTaskManagerThreads(
        ipCountJob,
        { module: require.resolve('./IpCountJob'), params: { input, parallelism } },
        { numberOfTaskManagers, jobName: 'Socket Window IpCount' },
      );
      process.stderr.write(`${inputSummary(result)}\n`);
      return 0;
    } catch (e) {
      process.stderr.write(`${(e as Error).message}\n`);
      return 1;
    }
  }
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  defineIpCountJob(env, input, parallelism);
  if (args.explain) {
    process.stdout.write(`${env.explain('Socket Window IpCount')}\n`);
    return 0;
  }
  const client = await env.executeAsync('Socket Window IpCount');
  const stop = (): void => void client.cancel();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const result = await client.getJobExecutionResult();
    process.stderr.write(`${inputSummary(result)}\n`);
    return 0;
  } catch (e) {
    if (client.getJobStatus() === 'CANCELED') return 130;
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
