import { JobExecutionResult, StreamExecutionEnvironment } from '../../actors';
import { executeOnTaskManagerThreads } from '../../lib/api/executeOnTaskManagerThreads';
import { awaitJob, integerFlag, recordsRead, recordsSkipped, runCommand, runMain } from '../common/commandLine';
import { defineIpCountJob, IpCountInput, ipCountJob } from './IpCountJob';

const USAGE = `usage: npm run ipcount -- [--host localhost] [--port 9999] [--parallelism 4] [--file PATH] [--task-managers N] [--explain]

Counts requests per IP in 5 s event-time windows from a log service (a TCP server sending
"HH:mm:ss IP" or nginx access-log lines), or from a file with --file. Start one with
"npm run logserver". Exits 0 when the log service closes the connection. With
--task-managers N the job runs on N TaskManagers, each on its own worker thread.`;

/** One line for stderr: how much input there was and how much of it was skipped. */
export function inputSummary(result: JobExecutionResult): string {
  const skipped = recordsSkipped(result);
  return `IpCount: ${recordsRead(result)} lines read, ${skipped} malformed line${skipped === 1 ? '' : 's'} skipped`;
}

const OPTIONS = {
  host: { type: 'string', default: 'localhost' },
  port: { type: 'string', default: '9999' },
  parallelism: { type: 'string', short: 'p', default: '4' },
  file: { type: 'string' },
  'task-managers': { type: 'string' },
  explain: { type: 'boolean', default: false },
} as const;

export function main(argv: string[]): Promise<number> {
  return runCommand(argv, USAGE, OPTIONS, async (args) => {
    const port = integerFlag('port', args.port, 1, 65535);
    const parallelism = integerFlag('parallelism', args.parallelism);
    const input: IpCountInput = args.file ? { file: args.file } : { host: args.host, port };
    const summary = (result: JobExecutionResult): void => void process.stderr.write(`${inputSummary(result)}\n`);
    if (args['task-managers'] !== undefined) {
      const numberOfTaskManagers = integerFlag('task-managers', args['task-managers']);
      const { result } = await executeOnTaskManagerThreads(
        ipCountJob,
        { module: require.resolve('./IpCountJob'), params: { input, parallelism } },
        { numberOfTaskManagers, jobName: 'Socket Window IpCount' },
      );
      summary(result);
      return 0;
    }
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    defineIpCountJob(env, input, parallelism);
    if (args.explain) {
      process.stdout.write(`${env.explain('Socket Window IpCount')}\n`);
      return 0;
    }
    return awaitJob(await env.executeAsync('Socket Window IpCount'), summary);
  });
}

if (require.main === module) runMain(main);
