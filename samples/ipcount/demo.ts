import { StreamExecutionEnvironment } from '../../lib';
import { LogServer } from '../logserver/LogServer';
import { defineIpCountJob } from './IpCountJob';
import { inputSummary } from './main';

/**
 * `npm start`: the seed lesson in one process, with nothing to install: a log server streaming
 * a live synthetic access log, and the IpCount job at parallelism 4 reading it and printing
 * each 5 s window as it closes. Ctrl-C stops both cleanly.
 */
async function demo(): Promise<number> {
  const server = new LogServer({ port: 0, rate: 40 });
  const port = await server.start();
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  defineIpCountJob(env, { host: '127.0.0.1', port }, 4);
  const plan = env.explain('Socket Window IpCount');
  const client = await env.executeAsync('Socket Window IpCount');
  const stop = (): void => {
    process.stderr.write('\nstopping…\n');
    void client.cancel();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.write(`brook IpCount demo: a log server on 127.0.0.1:${port} sends "HH:mm:ss IP" lines; the job counts
requests per IP in 5 s event-time windows. Its DAG:

${plan}

Results ("k>" is the subtask that computed the line) appear as windows close. Ctrl-C to stop.

`);
  try {
    const result = await client.getJobExecutionResult();
    process.stderr.write(`${inputSummary(result)}\n`);
    return 0;
  } catch (e) {
    if (client.getJobStatus() === 'CANCELED') return 0;
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  } finally {
    await server.close();
  }
}

demo().then((code) => (process.exitCode = code));
