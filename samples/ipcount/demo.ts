import { runJobFile } from '../../lib/cli/runJob';
import * as ipCountJob from './job';
import { inputSummary } from './main';

/**
 * `npm start`: the seed lesson in one process, with nothing to install: a log server streaming
 * a live synthetic access log, the IpCount job at parallelism 4 reading it and printing each
 * 5 s window as it closes, and the web dashboard showing the job as the lesson draws it.
 * Ctrl-C stops everything cleanly.
 */
async function demo(): Promise<number> {
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
  const outcome = await runJobFile(ipCountJob, {
    parallelism: 4,
    args: ['--demo', '--rate', '40'],
    dashboard: {},
    beforeRun: ({ env, jobName, dashboardUrl }) =>
      process.stdout.write(`brook IpCount demo: a log server on 127.0.0.1 sends "HH:mm:ss IP" lines; the job counts
requests per IP in 5 s event-time windows. Its DAG:

${env.explain(jobName)}

Dashboard: ${dashboardUrl}

Results ("k>" is the subtask that computed the line) appear as windows close. Ctrl-C to stop.

`),
    onSubmitted: (client) => {
      cancel = () => void client.cancel();
      if (stopping) cancel();
    },
  });
  if (outcome.status === 'FINISHED') {
    process.stderr.write(`${inputSummary(outcome.result)}\n`);
    return 0;
  }
  if (outcome.status === 'CANCELED') return 0;
  process.stderr.write(`${outcome.error.message}\n`);
  return 1;
}

demo().then((code) => (process.exitCode = code));
