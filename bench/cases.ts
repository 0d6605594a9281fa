import { StreamExecutionEnvironment } from '../lib';
import { TextWriter } from '../lib/runtime/StreamOperator';
import { defineIpCountJob } from '../samples/ipcount/IpCountJob';
import { DigestSink } from './DigestSink';
import { ipCountResultKey } from './ipcount/ipCountResultKey';
import { runLimit } from './ipcount/limit';
import { runNaiveActorsIpCount } from './ipcount/naiveActorsIpCount';
import { runSlowSinkJob, SLOW_SINK_MICROS } from './ipcount/slowSink';
import { Bid } from './nexmark/model';
import { defineNexmarkQuery, FLINK_PER_CORE, NexmarkQuery } from './nexmark/queries';
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
}

export interface CaseResult {
  /** Input records processed (lines, events). */
  readonly records: number;
  /** Fingerprint of the output: equal across cases of one group, or the case did other work. */
  readonly digest: string;
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

/** Per-record result description: a number for queries that emit per event, text for windows. */
const NEXMARK_RESULT: Record<NexmarkQuery, (v: never) => number | string> = {
  q0: (b: Bid) => b.auction * 31 + b.price,
  q1: (b: { auction: number; price: number }) => b.auction * 31 + Math.round(b.price),
  q2: (b: { auction: number; price: number }) => b.auction * 31 + b.price,
  q7: (r: object) => JSON.stringify(r),
};

async function brookNexmark(input: CaseInput, query: NexmarkQuery, parallelism: number): Promise<CaseResult> {
  const digest = new OutputDigest();
  const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism, stdout: nullWriter, stderr: nullWriter });
  defineNexmarkQuery(query, env, input.nexmarkEvents, new DigestSink(digest, NEXMARK_RESULT[query] as (v: unknown) => number));
  const result = await env.execute(`Nexmark ${query}`);
  return { records: result.vertices[0].operators[0].numRecordsOut, digest: digest.toString() };
}

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
  ...(['q0', 'q1', 'q2', 'q7'] as const).map<BenchCase>((q) => ({
    name: `nexmark ${q} p1`,
    group: `nexmark-${q}`,
    description: `Nexmark ${q} on brook, parallelism 1, seeded generator source`,
    cores: 1,
    flinkPerCore: FLINK_PER_CORE[q],
    run: (i) => brookNexmark(i, q, 1),
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
];
