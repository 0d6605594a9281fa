import { JobExecutionResult, StreamExecutionEnvironment } from '../../actors';
import { executeOnTaskManagerThreadsAsync } from '../../lib/api/executeOnTaskManagerThreads';
import { runJobFile } from '../../lib/cli/runJob';
import { awaitJob, integerFlag, recordsLateDropped, recordsRead, recordsSkipped, runCommand, runMain } from '../common/commandLine';
import { defineJob, jobName } from './IpCountJob';

const USAGE = `usage: npm run ipcount -- [--host localhost] [--port 9999] [--parallelism 4] [--file PATH] [--task-managers N] [--explain]
       npm start            (the same as: npm run ipcount -- --demo [--rate 40])

Counts requests per IP in 5 s event-time windows from a log service (a TCP server sending
"HH:mm:ss IP" or nginx access-log lines), or from a file with --file. Start one with
"npm run logserver". Exits 0 when the log service closes the connection. With
--task-managers N the job runs on N TaskManagers, each on its own worker thread. With --demo
a synthetic log service runs in this process and the web dashboard shows the job.`;

/** One line for stderr: how much input there was, how much was skipped and how much came too late to count. */
export function inputSummary(result: JobExecutionResult): string {
  const skipped = recordsSkipped(result);
  return `IpCount: ${recordsRead(result)} lines read, ${skipped} malformed line${skipped === 1 ? '' : 's'} skipped, ${recordsLateDropped(result)} late records dropped`;
}

const OPTIONS = {
  host: { type: 'string', default: 'localhost' },
  port: { type: 'string', default: '9999' },
  parallelism: { type: 'string', short: 'p', default: '4' },
  file: { type: 'string' },
  'task-managers': { type: 'string' },
  explain: { type: 'boolean', default: false },
  demo: { type: 'boolean', default: false },
  rate: { type: 'string', default: '40' },
} as const;

export function main(argv: string[]): Promise<number> {
  return runCommand(argv, USAGE, OPTIONS, async (args) => {
    const port = integerFlag('port', args.port, 1, 65535);
    const parallelism = integerFlag('parallelism', args.parallelism);
    if (args.demo) return demo(parallelism, args.rate);
    const jobArgs = args.file ? ['--file', args.file] : ['--host', args.host, '--port', String(port)];
    const summary = (result: JobExecutionResult): void => void process.stderr.write(`${inputSummary(result)}\n`);
    if (args['task-managers'] !== undefined) {
      const numberOfTaskManagers = integerFlag('task-managers', args['task-managers']);
      const { client } = await executeOnTaskManagerThreadsAsync(
        defineJob,
        { module: require.resolve('./IpCountJob'), params: { args: jobArgs } },
        { numberOfTaskManagers, parallelism, jobName },
      );
      return awaitJob(client, summary);
    }
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(parallelism);
    await defineJob(env, { args: jobArgs });
    if (args.explain) {
      process.stdout.write(`${env.explain(jobName)}\n`);
      return 0;
    }
    return awaitJob(await env.executeAsync(jobName), summary);
  });
}

/**
 * `npm start`: the seed lesson in one process, with nothing to install: a log server streaming
 * a live synthetic access log, the IpCount job reading it and printing each 5 s window as it
 * closes, and the web dashboard showing the job as the lesson draws it. Ctrl-C stops
 * everything cleanly.
 */
async function demo(parallelism: number, rate: string): Promise<number> {
  let stopping = false;
  let cancel: (() => void) | undefined;
  const stop = (): void => {
    process.stderr.write('\nstopping…\n');
    stopping = true;
    cancel?.();
  };
  // Installed before the demo says Ctrl-C works; a Ctrl-C before submission cancels at submission.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const outcome = await runJobFile(
    { jobName, defineJob },
    {
      parallelism,
      args: ['--demo', '--rate', rate],
      dashboard: {},
      beforeRun: ({ env, jobName: name, dashboardUrl }) =>
        process.stdout.write(`brook IpCount demo: a log server on 127.0.0.1 sends "HH:mm:ss IP" lines; the job counts
requests per IP in 5 s event-time windows. Its DAG:

${env.explain(name)}

Dashboard: ${dashboardUrl}

Results ("k>" is the subtask that computed the line) appear as windows close. Ctrl-C to stop.

`),
      onSubmitted: (client) => {
        cancel = () => void client.cancel();
        if (stopping) cancel();
      },
    },
  );
  if (outcome.status === 'FINISHED') {
    process.stderr.write(`${inputSummary(outcome.result)}\n`);
    return 0;
  }
  if (outcome.status === 'CANCELED') return 0;
  if (!outcome.reported) process.stderr.write(`${outcome.error.message}\n`);
  return 1;
}

if (require.main === module) runMain(main);
