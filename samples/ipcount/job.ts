import { parseArgs } from 'util';
import { JobFileContext, StreamExecutionEnvironment } from '../../actors';
import { LogServer } from '../logserver/LogServer';
import { defineIpCountJob, IpCountInput } from './IpCountJob';

/**
 * The IpCount sample as a job file for the `brook` CLI:
 *
 *   brook run dist/samples/ipcount/job.js -p 4 --dashboard -- --demo
 *
 * Job arguments: `--host H --port P` read a log service (default localhost:9999, as in the
 * lesson); `--file PATH` reads a log file; `--demo [--rate N]` starts a synthetic log service
 * in this process (N lines per second, default 40) and reads it.
 */
export const jobName = 'Socket Window IpCount';

export async function defineJob(env: StreamExecutionEnvironment, { args, onJobEnd }: JobFileContext): Promise<void> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      host: { type: 'string', default: 'localhost' },
      port: { type: 'string', default: '9999' },
      file: { type: 'string' },
      demo: { type: 'boolean', default: false },
      rate: { type: 'string', default: '40' },
    },
  });
  let input: IpCountInput;
  if (values.file) {
    input = { file: values.file };
  } else if (values.demo) {
    const rate = Number(values.rate);
    if (!(rate > 0)) throw new Error(`--rate must be a positive number, got ${values.rate}`);
    const server = new LogServer({ port: 0, rate });
    const port = await server.start();
    onJobEnd(() => server.close());
    input = { host: '127.0.0.1', port };
  } else {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be 1..65535, got ${values.port}`);
    input = { host: values.host!, port };
  }
  // -p sets the environment's parallelism; the lesson's job sets it too, so pass it through.
  defineIpCountJob(env, input, env.getParallelism());
}
