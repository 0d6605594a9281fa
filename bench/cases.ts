import fs from 'fs';
import path from 'path';
import { StreamExecutionEnvironment } from '../actors';
import { TextWriter } from '../lib/runtime/StreamOperator';
import { executeOnTaskManagerThreads } from '../lib/api/executeOnTaskManagerThreads';
import { defineIpCountJob, defineJob as defineIpCountJobModule } from '../samples/ipcount/IpCountJob';
import { ipCountResultKey } from './ipcount/ipCountResultKey';
import { runLimit } from './ipcount/limit';
import { runNaiveActorsIpCount } from './ipcount/naiveActorsIpCount';
import { runSlowSinkJob, SLOW_SINK_MICROS } from './ipcount/slowSink';
import { nexmarkJob } from './nexmark/nexmarkJob';
import { FLINK_PER_CORE, NexmarkQuery } from './nexmark/queries';
import { OutputDigest } from './OutputDigest';
import { runMostIpCount } from './peers/mostIpCount';
import { runRxjsIpCount } from './peers/rxjsIpCount';

/** What the driver hands each case: generated inputs. */
export interface CaseInput {
  /** The access log for the IpCount cases. */
  readonly accessLog: string;
  readonly accessLogLines: number;
  /** Short access logs for the slow-sink cases (they run at the sink's pace): n and 4n lines. */
  readonly slowSinkLog: string;
  readonly slowSinkLog4x: string;
  /** Nexmark events per query run. */
  readonly nexmarkEvents: number;
  /** A scratch directory of this suite run (checkpoint directories go under it). */
  readonly workDir: string;
}

export interface CaseResult {
  /** Input records processed (lines, events). */
  readonly records: number;
  /** Fingerprint of the output: equal across cases of one group, or the case did other work. */
  readonly digest: string;
  /** Most records read but not yet taken by the sink (the backpressure cases). */
  readonly maxRecordsInFlight?: number;
  /**
   * The cases that checkpoint: when the sink saw the end of its input (epoch ms; the job then
   * waits for its final checkpoint, a latency rather than throughput), and the checkpoints
   * triggered before then and completed.
   */
  readonly outputEndedAt?: number;
  readonly checkpointsCompleted?: number;
}

export interface BenchCase {
  readonly name: string;
  /** Cases of a group do the same work and must print the same digest. */
  readonly group: 'ipcount' | 'nexmark-q0' | 'nexmark-q1' | 'nexmark-q2' | 'nexmark-q5' | 'nexmark-q7' | 'slow-sink-1x' | 'slow-sink-4x';
  readonly description: string;
  /** Cores the case can use (for per-core figures). */
  readonly cores: number;
  /** Flink's published per-core figure for this work, when there is one. */
  readonly flinkPerCore?: number;
  /** The case without checkpoints that this one repeats with them. */
  readonly withCheckpointsOf?: string;
  run(input: CaseInput): Promise<CaseResult>;
}

const nullWriter: TextWriter = { write: () => undefined };

async function brookIpCount(input: CaseInput, parallelism: number): Promise<CaseResult> {
  const digest = new OutputDigest(ipCountResultKey);
  const stdout: TextWriter = { write: (s) => digest.addText(s) };
  const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism, stdout, stderr: nullWriter });
  defineIpCountJob(env, { file: input.accessLog }, parallelism);
  const result = await env.execute('IpCount benchmark');
  return { records: result.vertices[0].operators[0].numRecordsOut, digest: digest.toString() };
}

async function plainIpCount(input: CaseInput, run: (file: string, digest: OutputDigest) => Promise<number>): Promise<CaseResult> {
  const digest = new OutputDigest(ipCountResultKey);
  const records = await run(input.accessLog, digest);
  return { records, digest: digest.toString() };
}

/** What a user would set to checkpoint a job: every 10 s, to a directory (Flink's per-core figures include checkpoints). */
export const CHECKPOINT_INTERVAL_MS = 10_000;

async function brookNexmark(input: CaseInput, query: NexmarkQuery, parallelism: number, checkpoints: boolean): Promise<CaseResult> {
  const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism, stdout: nullWriter, stderr: nullWriter });
  const dir = checkpoints ? fs.mkdtempSync(path.join(input.workDir, `checkpoints-${query}-`)) : undefined;
  try {
    if (dir !== undefined) {
      env.enableCheckpointing(CHECKPOINT_INTERVAL_MS);
      env.getCheckpointConfig().setCheckpointStorage(dir);
    }
    const { digest, sink } = nexmarkJob(env, { query, events: input.nexmarkEvents, parallelism });
    const result = await env.execute(`Nexmark ${query}`);
    const records = result.vertices[0].operators[0].numRecordsOut;
    if (!checkpoints) return { records, digest: digest.toString() };
    const endedAt = sink.finishedAt ?? Date.now();
    const during = (result.checkpoints?.history ?? []).filter((c) => c.triggerTime < endedAt);
    return { records, digest: digest.toString(), outputEndedAt: endedAt, checkpointsCompleted: during.length };
  } finally {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function threadsNexmark(input: CaseInput, query: NexmarkQuery, taskManagers: number): Promise<CaseResult> {
  const params = { query, events: input.nexmarkEvents, parallelism: taskManagers };
  const { result, defined } = await executeOnTaskManagerThreads(
    nexmarkJob,
    { module: NEXMARK_JOB, params },
    { numberOfTaskManagers: taskManagers, stdout: nullWriter },
  );
  return { records: result.vertices[0].operators[0].numRecordsOut, digest: defined.digest.toString() };
}

async function threadsIpCount(input: CaseInput, parallelism: number, taskManagers: number): Promise<CaseResult> {
  const digest = new OutputDigest(ipCountResultKey);
  const { result } = await executeOnTaskManagerThreads(
    defineIpCountJobModule,
    { module: IPCOUNT_JOB, params: { args: ['--file', input.accessLog] } },
    { numberOfTaskManagers: taskManagers, parallelism, stdout: { write: (s) => digest.addText(s) } },
  );
  return { records: result.vertices[0].operators[0].numRecordsOut, digest: digest.toString() };
}

const NEXMARK_JOB = require.resolve('./nexmark/nexmarkJob');
const IPCOUNT_JOB = require.resolve('../samples/ipcount/IpCountJob');

export const CASES: readonly BenchCase[] = [
  {
    name: 'limit',
    group: 'ipcount',
    description: 'hand-written single-threaded loop (same parsing, Map window)',
    cores: 1,
    run: (i) => plainIpCount(i, runLimit),
  },
  ...[1, 2, 4].map<BenchCase>((p) => ({
    name: `brook p${p}`,
    group: 'ipcount',
    description: `brook IpCount from a file, parallelism ${p}, one TaskManager`,
    cores: 1,
    run: (i) => brookIpCount(i, p),
  })),
  ...[2, 4].map<BenchCase>((p) => ({
    name: `brook 2 TM threads p${p}`,
    group: 'ipcount',
    description: `brook IpCount, parallelism ${p}, on 2 TaskManagers that are worker threads`,
    cores: 2,
    run: (i) => threadsIpCount(i, p, 2),
  })),
  {
    name: 'naive actors',
    group: 'ipcount',
    description: 'one nact message per record per hop, no batching, no credits',
    cores: 1,
    run: (i) => plainIpCount(i, runNaiveActorsIpCount),
  },
  {
    name: 'RxJS',
    group: 'ipcount',
    description: 'RxJS 7 pipeline with a hand-written event-time window operator',
    cores: 1,
    run: (i) => plainIpCount(i, runRxjsIpCount),
  },
  {
    name: '@most/core',
    group: 'ipcount',
    description: '@most/core stream with a hand-written event-time window combinator',
    cores: 1,
    run: (i) => plainIpCount(i, runMostIpCount),
  },
  ...(['q0', 'q1', 'q2', 'q5', 'q7'] as const).map<BenchCase>((q) => ({
    name: `nexmark ${q} p1`,
    group: `nexmark-${q}`,
    description: `Nexmark ${q} on brook, parallelism 1, seeded generator source`,
    cores: 1,
    flinkPerCore: FLINK_PER_CORE[q],
    run: (i) => brookNexmark(i, q, 1, false),
  })),
  ...(['q5', 'q7'] as const).map<BenchCase>((q) => ({
    name: `nexmark ${q} p1, checkpoints every 10 s`,
    group: `nexmark-${q}`,
    description: `Nexmark ${q} on brook, parallelism 1, checkpointing every ${CHECKPOINT_INTERVAL_MS / 1000} s to a directory`,
    cores: 1,
    flinkPerCore: FLINK_PER_CORE[q],
    withCheckpointsOf: `nexmark ${q} p1`,
    run: (i) => brookNexmark(i, q, 1, true),
  })),
  ...(['q0', 'q1', 'q2', 'q5', 'q7'] as const).map<BenchCase>((q) => ({
    name: `nexmark ${q} 2 TM threads`,
    group: `nexmark-${q}`,
    description: `Nexmark ${q}, parallelism 2 on 2 TaskManager threads`,
    cores: 2,
    flinkPerCore: FLINK_PER_CORE[q],
    run: (i) => threadsNexmark(i, q, 2),
  })),
  {
    name: 'slow sink 1x',
    group: 'slow-sink-1x',
    description: `brook, a sink that spends ${SLOW_SINK_MICROS} µs per record (pace ${1e6 / SLOW_SINK_MICROS / 1000} K/s)`,
    cores: 1,
    run: (i) => runSlowSinkJob(i.slowSinkLog),
  },
  {
    name: 'slow sink 4x',
    group: 'slow-sink-4x',
    description: 'the same on a log 4 times as long: memory must not grow with the input',
    cores: 1,
    run: (i) => runSlowSinkJob(i.slowSinkLog4x),
  },
  {
    name: 'slow sink 4x, no credit',
    group: 'slow-sink-4x',
    description: 'the same without credit-based flow control (unlimited credits): the source outruns the sink',
    cores: 1,
    run: (i) => runSlowSinkJob(i.slowSinkLog4x, Number.POSITIVE_INFINITY),
  },
];
