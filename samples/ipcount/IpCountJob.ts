import { DataStream, StreamExecutionEnvironment, Time, TumblingEventTimeWindows } from '../../actors';
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
  const lines: DataStream<string> =
    'file' in input ? env.readTextFile(input.file) : env.socketTextStream(input.host, input.port, '\n');

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

export interface IpCountParams {
  readonly input: IpCountInput;
  readonly parallelism: number;
}

/**
 * The same job as a job-module function (one params object), so that TaskManagers on worker
 * threads can define it: `npm run ipcount -- --task-managers 2`.
 */
export function ipCountJob(env: StreamExecutionEnvironment, params: IpCountParams): void {
  defineIpCountJob(env, params.input, params.parallelism);
}
