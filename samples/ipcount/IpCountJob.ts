import { parseArgs } from 'util';
import { DataStream, StreamExecutionEnvironment, Time, TumblingEventTimeWindows } from '../../actors';
import { LogServer } from '../logserver/LogServer';
import { formatHms, parseHms, splitLogLine } from './logFormat';

/** The intermediate record of the seed job (its Scala `case class IpAndCount`). */
export interface IpAndCount {
  date: Date;
  ip: string;
  count: number;
}

export type IpCountInput = { readonly host: string; readonly port: number } | { readonly file: string };

/**
 * The seed lesson's SocketWindowIpCount, line for line: count requests per IP in tumbling 5 s
 * event-time windows and print `HH:mm:ss ip count`. The one difference: the first map accepts
 * nginx access-log lines too, and skips (and counts) lines that are neither format.
 */
export function defineIpCountJob(env: StreamExecutionEnvironment, input: IpCountInput, parallelism = 4): void {
  // Set the parallelism
  env.setParallelism(parallelism);

  // Task 1
  const lines: DataStream<string> = 'file' in input ? env.readTextFile(input.file) : env.socketTextStream(input.host, input.port, '\n');

  ipCountPipeline(lines);
}

/** Tasks 2 and 3 of the seed job, on any stream of log lines (tests feed their own source). */
export function ipCountPipeline(lines: DataStream<string>): void {
  // Task 2
  lines
    .map((line) => splitLogLine(line))
    .map((w): IpAndCount => ({ date: parseHms(w[0]), ip: w[1], count: 1 }))
    .assignAscendingTimestamps((r) => r.date.getTime()) // tell brook which field holds event time
    .keyBy('ip') // count per IP address
    // Task 3
    .window(TumblingEventTimeWindows.of(Time.seconds(5))) // every 5 seconds
    .sum('count') // sum the count field
    // Output: format and print to the console
    .map((a) => `${formatHms(a.date)} ${a.ip} ${a.count}`)
    .print();
}

/** What `defineJob` needs: the job's arguments and, for --demo, a way to stop its log server. */
export interface IpCountJobContext {
  readonly args: readonly string[];
  /** Given by `brook run` and `main.ts --demo`; TaskManager threads, which read the input only, give none. */
  onJobEnd?(cleanup: () => void | Promise<void>): void;
}

export const jobName = 'Socket Window IpCount';

/**
 * The IpCount job as a job module, for the `brook` CLI, for `main.ts` and for TaskManager threads:
 *
 *   brook run dist/samples/ipcount/IpCountJob.js -p 4 --dashboard -- --demo
 *
 * Job arguments: `--host H --port P` read a log service (default localhost:9999, as in the
 * lesson); `--file PATH` reads a log file; `--demo [--rate N]` starts a synthetic log service
 * in this process (N lines per second, default 40) and reads it. The parallelism is the
 * environment's (`-p`).
 */
export function defineJob(env: StreamExecutionEnvironment, { args, onJobEnd }: IpCountJobContext): void | Promise<void> {
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
  if (values.demo) return defineDemoJob(env, Number(values.rate), values.rate!, onJobEnd);
  let input: IpCountInput;
  if (values.file) {
    input = { file: values.file };
  } else {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be 1..65535, got ${values.port}`);
    input = { host: values.host!, port };
  }
  // The lesson's job sets the parallelism itself; -p is the environment's, so pass it through.
  defineIpCountJob(env, input, env.getParallelism());
}

/** --demo: a synthetic log service in this process, closed when the job ends. */
async function defineDemoJob(env: StreamExecutionEnvironment, rate: number, rateArg: string, onJobEnd: IpCountJobContext['onJobEnd']): Promise<void> {
  if (!(rate > 0)) throw new Error(`--rate must be a positive number, got ${rateArg}`);
  if (!onJobEnd) throw new Error('--demo starts a log server in this process: run it with brook run or main.ts --demo, not on TaskManager threads');
  const server = new LogServer({ port: 0, rate });
  const port = await server.start();
  onJobEnd(() => server.close());
  defineIpCountJob(env, { host: '127.0.0.1', port }, env.getParallelism());
}
