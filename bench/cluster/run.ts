import fs from 'fs';
import os from 'os';
import path from 'path';
import { parseArgs } from 'util';
import { measureChannelCosts, renderChannelCosts, ChannelCost } from '../channelCost';
import { writeAccessLog } from '../ipcount/accessLogFile';
import { formatRate, percentile } from '../stats';
import { FailoverSample, measureFailover } from './failover';
import { CheckpointSample, measureRecovery, RecoverySample } from './recovery';
import { Placement, placementName, runThroughput, summarizeThroughput, ThroughputSample, throughputJobs } from './throughput';

export const CLUSTER_USAGE = `usage: npm run bench -- --cluster [--sections throughput,channel,recovery,failover] [--runs 2]
    [--lines 1000000] [--events 1000000] [--kills 10] [--keys 1000,10000,100000] [--jm-kills 3]
    [--lease-ttl 10] [--rate 5000] [--json FILE]

Brook across processes, on local clusters of processes this bench starts and stops:
IpCount and Nexmark q5 at parallelism 4 in one process and on 1, 2 and 4 TaskManager processes
(records/s, CPU-seconds per million records over every process); the cost of a record crossing
a channel in process, between threads and over TCP; recovery after kill -9 of a TaskManager
(--kills per state size in --keys); JobManager failover with --ha on a 3-member etcd (--jm-kills);
checkpoint duration and alignment across processes.`;

const TASK_MANAGERS = [1, 2, 4];
const PARALLELISM = 4;

const ms = (x: number): string => (Number.isNaN(x) ? '' : x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`);
const p50p95 = (xs: readonly number[]): string => `${ms(percentile(xs, 50))} / ${ms(percentile(xs, 95))}`;

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

export async function clusterMain(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: {
        sections: { type: 'string', default: 'throughput,channel,recovery,failover' },
        runs: { type: 'string', default: '2' },
        lines: { type: 'string', default: '1000000' },
        events: { type: 'string', default: '1000000' },
        kills: { type: 'string', default: '10' },
        keys: { type: 'string', default: '1000,10000,100000' },
        'jm-kills': { type: 'string', default: '3' },
        'lease-ttl': { type: 'string', default: '10' },
        rate: { type: 'string', default: '5000' },
        json: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    err(`${(e as Error).message}\n${CLUSTER_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    out(`${CLUSTER_USAGE}\n`);
    return 0;
  }
  const sections = new Set(args.sections!.split(','));
  const known = ['throughput', 'channel', 'recovery', 'failover'];
  const unknown = [...sections].filter((s) => !known.includes(s));
  const runs = Number(args.runs);
  const lines = Number(args.lines);
  const events = Number(args.events);
  const kills = Number(args.kills);
  const jmKills = Number(args['jm-kills']);
  const leaseTtl = Number(args['lease-ttl']);
  const rate = Number(args.rate);
  const keyCounts = args.keys!.split(',').map(Number);
  if (unknown.length > 0 || ![runs, lines, events, kills, jmKills, leaseTtl, rate, ...keyCounts].every((x) => Number.isInteger(x) && x > 0)) {
    err(`${unknown.length ? `unknown section(s) ${unknown.join(', ')}; ` : ''}every number must be a positive integer\n${CLUSTER_USAGE}\n`);
    return 2;
  }
  const log = (line: string): void => err(`${line}\n`);
  const loadAtStart = os.loadavg().map((x) => Number(x.toFixed(2)));
  const report: string[] = [];
  const json: Record<string, unknown> = {};
  let failed = false;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-bench-cluster-'));
  try {
    if (sections.has('throughput')) {
      const accessLog = path.join(dir, 'access.log');
      log(`generating ${lines} access-log lines…`);
      writeAccessLog(accessLog, lines);
      const placements: Placement[] = [{ kind: 'in process' }, ...TASK_MANAGERS.map((n): Placement => ({ kind: 'processes', taskManagers: n }))];
      const samples: ThroughputSample[] = [];
      const failures: Array<{ job: string; placement: string; error: string }> = [];
      for (let r = 0; r < runs; r++) {
        for (const job of throughputJobs(accessLog, lines, events)) {
          for (const placement of placements) {
            err(`run ${r + 1}/${runs}: ${job.name}, ${placementName(placement)}… `);
            try {
              const s = await runThroughput(job, placement, PARALLELISM);
              samples.push(s);
              err(`${formatRate((s.records / s.runtimeMs) * 1000)}/s, ${s.cpuSeconds.toFixed(2)} CPU-s\n`);
            } catch (e) {
              failures.push({ job: job.name, placement: placementName(placement), error: (e as Error).message });
              err(`FAILED (${(e as Error).message})\n`);
            }
          }
        }
      }
      const rows = summarizeThroughput(samples, failures);
      failed ||= rows.some((r) => r.failures.length > 0 || !r.outputAgrees);
      json.throughput = { samples, rows };
      report.push(
        `IpCount (${lines} lines) and Nexmark q5 (${events} events) at parallelism ${PARALLELISM}, median of ${runs} run(s); CPU: utime + stime of every process (JobManager, TaskManagers, client)`,
        '',
        ...table(
          ['job', 'where', 'records/s', '× in process', 'CPU-s per M records', 'output'],
          rows.map((r) => [
            r.job,
            r.placement,
            r.runs ? `${formatRate(r.recordsPerSecond)}/s` : 'failed',
            r.vsInProcess === undefined ? '' : r.vsInProcess.toFixed(2),
            r.runs ? r.cpuSecondsPerMillion.toFixed(2) : '',
            r.outputAgrees ? 'same' : 'DIFFERS',
          ]),
        ),
        '',
      );
    }
    if (sections.has('channel')) {
      log('channel crossing cost…');
      const costs: ChannelCost[] = await measureChannelCosts();
      json.channel = costs;
      report.push('One record crossing a channel, batches of 1024, both ends in one thread (median of 5 runs)', '', ...renderChannelCosts(costs), '');
    }
    const checkpointRows: string[][] = [];
    const checkpointRow = (what: string, c: readonly CheckpointSample[]): string[] => [
      what,
      String(c.length),
      p50p95(c.map((x) => x.durationMs)),
      p50p95(c.map((x) => x.alignmentMs)),
      c.length
        ? `${(
            percentile(
              c.map((x) => x.stateBytes),
              50,
            ) / 1e6
          ).toFixed(2)} MB`
        : '',
    ];
    if (sections.has('recovery')) {
      const rows: string[][] = [];
      const all: Record<string, unknown> = {};
      for (const keys of keyCounts) {
        log(`recovery after kill -9 of a TaskManager, ${keys} keys of state, ${kills} kill(s)…`);
        try {
          const r = await measureRecovery({ keys, kills, rate, checkpointIntervalMs: 1000, workDir: dir, seed: keys }, log);
          all[keys] = r;
          const col = (f: (s: RecoverySample) => number): string => p50p95(r.samples.map(f));
          rows.push([
            String(keys),
            String(r.samples.length),
            col((s) => s.detectionMs),
            col((s) => s.redeployMs),
            col((s) => s.restoreMs),
            col((s) => s.catchUpMs),
            col((s) => s.totalMs),
            col((s) => s.slowestRestMs),
          ]);
          checkpointRows.push(checkpointRow(`${keys} keys, 3 TM processes, p2`, r.checkpoints));
        } catch (e) {
          failed = true;
          rows.push([String(keys), 'failed', (e as Error).message.slice(0, 200), '', '', '', '']);
        }
      }
      json.recovery = all;
      report.push(
        `Recovery after kill -9 of a TaskManager process (JobManager + 3 TaskManagers × 1 slot, keyed counts at parallelism 2, ${rate} records/s, checkpoints every 1 s), p50 / p95;`,
        'detection, redeploy: timestamps of /exceptions and /checkpoints (latest.restored); restore: until /jobs/overview counts every subtask RUNNING; catch-up: until every sink subtask took a record due at the kill (the job writes its progress); the last column: the slowest answer of GET /jobs/:id during the recovery',
        '',
        ...table(['keys', 'kills', 'detection', 'redeploy', 'restore', 'catch-up', 'total', 'slowest GET /jobs/:id'], rows),
        '',
      );
    }
    if (sections.has('failover')) {
      log(`JobManager failover with --ha, ${jmKills} kill(s)…`);
      try {
        const r = await measureFailover({ kills: jmKills, keys: 10_000, rate, checkpointIntervalMs: 1000, leaseTtlSeconds: leaseTtl, workDir: dir }, log);
        json.failover = r;
        const col = (f: (s: FailoverSample) => number): string => p50p95(r.samples.map(f));
        report.push(
          `JobManager failover (3-member etcd, 2 JobManagers with --ha --lease-ttl ${leaseTtl}, 3 TaskManagers × 1 slot, keyed counts over 10 000 keys at p2), from the kill -9 of the leader, p50 / p95`,
          '',
          ...table(
            ['kills', 'standby leads', 'job running', 'caught up'],
            [[String(r.samples.length), col((s) => s.leadsMs), col((s) => s.runningMs), col((s) => s.caughtUpMs)]],
          ),
          '',
        );
        checkpointRows.push(checkpointRow('10000 keys, HA, 3 TM processes, p2', r.checkpoints));
      } catch (e) {
        failed = true;
        report.push(`JobManager failover FAILED: ${(e as Error).message}`, '');
      }
    }
    if (checkpointRows.length > 0) {
      report.push(
        'Checkpoints across processes (GET /jobs/:id/checkpoints: end_to_end_duration, max_alignment_duration over the subtasks), p50 / p95',
        '',
        ...table(['job', 'checkpoints', 'duration', 'alignment', 'state size'], checkpointRows),
        '',
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const loadAtEnd = os.loadavg().map((x) => Number(x.toFixed(2)));
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  out(
    [
      `brook across processes: ${cpu}, ${os.cpus().length} cores, node ${process.version}; load average ${JSON.stringify(loadAtStart)} at start, ${JSON.stringify(loadAtEnd)} at end`,
      '',
      ...report,
    ].join('\n'),
  );
  if (args.json) {
    fs.writeFileSync(args.json, `${JSON.stringify({ machine: { cpu, cores: os.cpus().length, loadAtStart, loadAtEnd }, ...json }, null, 2)}\n`);
    err(`wrote ${args.json}\n`);
  }
  return failed ? 1 : 0;
}
