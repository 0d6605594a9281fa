import { StreamExecutionEnvironment } from '../../actors';
import { DigestSink } from '../DigestSink';
import { OutputDigest } from '../OutputDigest';
import { Bid } from './model';
import { defineNexmarkQuery, NexmarkQuery } from './queries';

export interface NexmarkParams {
  readonly query: NexmarkQuery;
  readonly events: number;
  readonly parallelism: number;
}

/** Per-record result description: a number for queries that emit per event, text for windows. */
const RESULT: Record<NexmarkQuery, (v: never) => number | string> = {
  q0: (b: Bid) => b.auction * 31 + b.price,
  q1: (b: { auction: number; price: number }) => b.auction * 31 + Math.round(b.price),
  q2: (b: { auction: number; price: number }) => b.auction * 31 + b.price,
  q5: (r: object) => JSON.stringify(r),
  q7: (r: object) => JSON.stringify(r),
};

/** A Nexmark query into a digest, as a job module function (one TaskManager or threads). */
export function nexmarkJob(env: StreamExecutionEnvironment, params: NexmarkParams): { readonly digest: OutputDigest; readonly sink: DigestSink<unknown> } {
  const digest = new OutputDigest();
  env.setParallelism(params.parallelism);
  const sink = new DigestSink(digest, RESULT[params.query] as (v: unknown) => number);
  defineNexmarkQuery(params.query, env, params.events, sink);
  return { digest, sink };
}
