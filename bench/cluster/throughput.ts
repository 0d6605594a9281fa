import path from 'path';
import { OutputDigest } from '../OutputDigest';
import { ipCountResultKey } from '../ipcount/ipCountResultKey';
import { median } from '../stats';
import { LocalCluster, startBrook } from './ClusterProcesses';
import { exitedChildrenCpuSeconds } from './processCpu';

/** The same job, in one process (`brook run job.js`) or submitted to a local cluster of processes. */
export interface ThroughputJob {
  readonly name: 'IpCount' | 'Nexmark q5';
  readonly file: string;
  readonly args: readonly string[];
  /** Input records (lines, events). */
  readonly records: number;
  readonly normalize?: (line: string) => string;
}

export function throughputJobs(accessLog: string, lines: number, events: number): ThroughputJob[] {
  return [
    {
      name: 'IpCount',
      file: path.join(__dirname, '../../samples/ipcount/IpCountJob.js'),
      args: ['--file', accessLog],
      records: lines,
      normalize: ipCountResultKey,
    },
    { name: 'Nexmark q5', file: path.join(__dirname, 'jobs/nexmarkQ5.js'), args: ['--events', String(events)], records: events },
  ];
}

/** Where a run ran: `brook run` alone, or a JobManager and that many TaskManager processes. */
export type Placement = { readonly kind: 'in process' } | { readonly kind: 'processes'; readonly taskManagers: number };

export const placementName = (p: Placement): string =>
  p.kind === 'in process' ? 'in process (brook run)' : `${p.taskManagers} TM process${p.taskManagers > 1 ? 'es' : ''}`;

export interface ThroughputSample {
  readonly job: string;
  readonly placement: string;
  readonly parallelism: number;
  readonly records: number;
  /** The job's net runtime as the JobManager reports it (submission to end). */
  readonly runtimeMs: number;
  /** CPU seconds of every process over the job: JobManager, TaskManagers and the `brook run` client. */
  readonly cpuSeconds: number;
  readonly digest: string;
}

/** What `brook run` prints when its job finished, with the job's net runtime. */
export const FINISHED = /job '[^']*' finished in (\d+) ms/;

/**
 * One run of `job` at `parallelism`. A cluster is started for the run (a JobManager and N
 * TaskManagers of parallelism / N slots each) and stopped after it; its start is not timed.
 * CPU: utime + stime from /proc/<pid>/stat of the JobManager and TaskManagers before the
 * submission and after the job ended, plus the client's (cutime + cstime of this process
 * across the client's life: it is waited for).
 */
export async function runThroughput(job: ThroughputJob, placement: Placement, parallelism: number): Promise<ThroughputSample> {
  const cluster =
    placement.kind === 'processes'
      ? await LocalCluster.start({ taskManagers: placement.taskManagers, slots: Math.ceil(parallelism / placement.taskManagers) })
      : undefined;
  try {
    const clusterCpuBefore = cluster?.cpuSeconds() ?? 0;
    const childrenBefore = exitedChildrenCpuSeconds();
    const digest = new OutputDigest(job.normalize);
    const target = cluster ? ['--jobmanager', cluster.address] : [];
    const client = startBrook('brook run', ['run', ...target, job.file, '-p', String(parallelism), '--', ...job.args]);
    let pending = '';
    client.child.stdout!.on('data', (d: Buffer) => {
      const text = pending + d.toString();
      const cut = text.lastIndexOf('\n') + 1;
      digest.addText(text.slice(0, cut));
      pending = text.slice(cut);
    });
    const code = await client.exited;
    const clientCpu = exitedChildrenCpuSeconds() - childrenBefore;
    const clusterCpu = (cluster?.cpuSeconds() ?? 0) - clusterCpuBefore;
    const finished = FINISHED.exec(client.tail(4000));
    if (code !== 0 || !finished) throw new Error(`${job.name} on ${placementName(placement)}: exit ${code}: ${client.tail(600)}`);
    return {
      job: job.name,
      placement: placementName(placement),
      parallelism,
      records: job.records,
      runtimeMs: Number(finished[1]),
      cpuSeconds: clientCpu + clusterCpu,
      digest: digest.toString(),
    };
  } finally {
    await cluster?.stop();
  }
}

export interface ThroughputRow {
  readonly job: string;
  readonly placement: string;
  readonly parallelism: number;
  readonly runs: number;
  readonly recordsPerSecond: number;
  readonly cpuSecondsPerMillion: number;
  /** Records/s relative to the in-process run of the same job (median of the per-run ratios). */
  readonly vsInProcess: number | undefined;
  readonly outputAgrees: boolean;
  readonly failures: readonly string[];
}

export function summarizeThroughput(
  samples: readonly ThroughputSample[],
  failures: ReadonlyArray<{ job: string; placement: string; error: string }>,
): ThroughputRow[] {
  const keys = [...new Set([...samples.map((s) => `${s.job}|${s.placement}`), ...failures.map((f) => `${f.job}|${f.placement}`)])];
  return keys.map((key) => {
    const [job, placement] = key.split('|');
    const mine = samples.filter((s) => s.job === job && s.placement === placement);
    const reference = samples.filter((s) => s.job === job && s.placement === placementName({ kind: 'in process' }));
    const rate = (s: ThroughputSample): number => (s.records / s.runtimeMs) * 1000;
    const ratios = mine.map((s, i) => (reference[i] ? rate(s) / rate(reference[i]) : NaN)).filter((x) => !Number.isNaN(x));
    const want = reference[0]?.digest ?? mine[0]?.digest;
    return {
      job,
      placement,
      parallelism: mine[0]?.parallelism ?? 0,
      runs: mine.length,
      recordsPerSecond: mine.length ? median(mine.map(rate)) : 0,
      cpuSecondsPerMillion: mine.length ? median(mine.map((s) => (s.cpuSeconds / s.records) * 1e6)) : 0,
      vsInProcess: ratios.length ? median(ratios) : undefined,
      outputAgrees: mine.every((s) => s.digest === want),
      failures: failures.filter((f) => f.job === job && f.placement === placement).map((f) => f.error),
    };
  });
}
