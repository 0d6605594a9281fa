import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { parseArgs } from 'util';
import { BenchCase, CASES, CaseInput } from './cases';
import { writeAccessLog } from './ipcount/accessLogFile';
import { formatRate, median, relativeSpread } from './stats';
import { CaseSummary, gcShare, pairedRatio, Sample, sampleRate } from './summary';
import { checkTargets, renderTargets, Target } from './targets';
import { clusterMain } from './cluster/run';

/** At the slow sink's pace (100 K/s) the short log takes about a second, the long one four. */
const SLOW_SINK_LINES = 100_000;

const USAGE = `usage: npm run bench -- [--runs 3] [--json FILE] [--only REGEX] [--lines 3000000] [--events 2000000] [--report FILE]

Generates the inputs, runs every case --runs times (each run in a fresh process, cases
interleaved so that noise from other load spreads over all of them), prints a table of
records/s (median and spread), the ratio to the hand-written limit measured in the same run
(median of per-run ratios), peak resident memory, GC share of busy time, Nexmark per core with
and without checkpoints, and the speed targets met / not met from the same run. --json writes
every sample; --report FILE prints the table of such a file again.

npm run bench -- --cluster [options] runs the benchmarks across processes instead (local
clusters of TaskManager processes, channel cost, kill -9 recovery, JobManager failover);
npm run bench -- --cluster --help lists their options.`;

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
}

function runOnce(c: BenchCase, input: CaseInput): Sample | string {
  const child = spawnSync(process.execPath, [path.join(__dirname, 'runCase.js'), c.name, JSON.stringify(input)], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (child.status !== 0) return `exit ${child.status}: ${(child.stderr || '').trim().split('\n').slice(-3).join(' | ')}`;
  const line = child.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as Sample;
}

function main(): number {
  let args;
  try {
    args = parseArgs({
      options: {
        runs: { type: 'string', default: '3' },
        json: { type: 'string' },
        only: { type: 'string' },
        lines: { type: 'string', default: '3000000' },
        events: { type: 'string', default: '2000000' },
        report: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.report) {
    // Renders the table of an earlier run from its --json file.
    const saved = JSON.parse(fs.readFileSync(args.report, 'utf8')) as {
      machine: Record<string, unknown> & { loadAverageAtEnd: number[] };
      runs: number;
      lines: number;
      events: number;
      cases: CaseSummary[];
    };
    const targets = checkTargets(saved.cases);
    process.stdout.write(renderReport(saved.machine, saved.machine.loadAverageAtEnd, saved.runs, saved.lines, saved.events, saved.cases, targets));
    return 0;
  }
  const runs = Number(args.runs);
  const lines = Number(args.lines);
  const events = Number(args.events);
  if (![runs, lines, events].every((x) => Number.isInteger(x) && x > 0)) {
    process.stderr.write(`--runs, --lines and --events must be positive integers\n${USAGE}\n`);
    return 2;
  }
  const only = args.only ? new RegExp(args.only, 'i') : undefined;
  const cases = CASES.filter((c) => !only || only.test(c.name));
  const info = machine();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-bench-'));
  try {
    process.stderr.write(`generating inputs in ${dir}: ${lines} access-log lines…\n`);
    const input: CaseInput = {
      accessLog: path.join(dir, 'access.log'),
      accessLogLines: lines,
      slowSinkLog: path.join(dir, 'slow-sink.log'),
      slowSinkLog4x: path.join(dir, 'slow-sink-4x.log'),
      nexmarkEvents: events,
      workDir: dir,
    };
    writeAccessLog(input.accessLog, lines);
    writeAccessLog(input.slowSinkLog, SLOW_SINK_LINES);
    writeAccessLog(input.slowSinkLog4x, 4 * SLOW_SINK_LINES);

    const samples: Sample[][] = cases.map(() => []);
    const failures: string[][] = cases.map(() => []);
    for (let r = 0; r < runs; r++) {
      cases.forEach((c, i) => {
        process.stderr.write(`run ${r + 1}/${runs}: ${c.name}… `);
        const s = runOnce(c, input);
        if (typeof s === 'string') {
          failures[i].push(s);
          process.stderr.write(`FAILED (${s})\n`);
        } else {
          samples[i].push(s);
          process.stderr.write(`${formatRate(sampleRate(s))}/s\n`);
        }
      });
    }
    // Every case of a group must have produced the same output as the group's first case.
    const referenceDigest = (group: string): string | undefined => samples[cases.findIndex((c, i) => c.group === group && samples[i].length > 0)]?.[0]?.digest;
    const summaries: CaseSummary[] = cases.map((c, i) => {
      const rates = samples[i].map(sampleRate);
      const want = referenceDigest(c.group);
      return {
        name: c.name,
        group: c.group,
        description: c.description,
        cores: c.cores,
        withCheckpointsOf: c.withCheckpointsOf,
        samples: samples[i],
        failures: failures[i],
        recordsPerSecond: rates.length ? median(rates) : 0,
        spread: relativeSpread(rates),
        peakRssMb: samples[i].length ? Math.max(...samples[i].map((x) => x.peakRssMb)) : 0,
        digestsAgree: want === undefined || samples[i].length === 0 ? undefined : samples[i].every((x) => x.digest === want),
        flinkPerCore: c.flinkPerCore,
      };
    });
    const loadAtEnd = os.loadavg().map((x) => Number(x.toFixed(2)));
    const targets = checkTargets(summaries);
    process.stdout.write(renderReport(info, loadAtEnd, runs, lines, events, summaries, targets));
    if (args.json) {
      fs.writeFileSync(
        args.json,
        `${JSON.stringify({ machine: { ...info, loadAverageAtEnd: loadAtEnd }, runs, lines, events, cases: summaries, targets }, null, 2)}\n`,
      );
      process.stderr.write(`wrote ${args.json}\n`);
    }
    return summaries.some((s) => s.failures.length > 0 || s.digestsAgree === false) ? 1 : 0;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function renderReport(
  info: Record<string, unknown>,
  loadAtEnd: number[],
  runs: number,
  lines: number,
  events: number,
  s: readonly CaseSummary[],
  targets: readonly Target[],
): string {
  const limit = s.find((x) => x.name === 'limit');
  const perCore = (c: CaseSummary): string => `${formatRate(c.recordsPerSecond / c.cores)}/s`;
  // A case repeated with checkpoints is a column of the case it repeats, not a row of its own.
  const rows = s
    .filter((c) => c.withCheckpointsOf === undefined)
    .map((c) => {
      const ok = c.samples.length > 0;
      const paired = c.group === 'ipcount' ? pairedRatio(c, limit) : undefined;
      const inFlight = ok ? c.samples.map((x) => x.maxRecordsInFlight).filter((x): x is number => x !== undefined) : [];
      const shares = ok ? c.samples.map(gcShare).filter((x): x is number => x !== undefined) : [];
      const checkpointed = s.find((x) => x.withCheckpointsOf === c.name);
      const notes =
        c.flinkPerCore !== undefined && ok
          ? `${((c.recordsPerSecond / c.cores / c.flinkPerCore) * 100).toFixed(0)} % of Flink/core`
          : inFlight.length > 0
            ? `≤ ${Math.max(...inFlight)} records in flight`
            : '';
      return [
        c.name,
        ok ? `${formatRate(c.recordsPerSecond)}/s` : 'failed',
        ok ? `±${(c.spread * 100).toFixed(1)} %` : '',
        ok && paired !== undefined ? paired.toFixed(2) : '',
        ok ? `${c.peakRssMb.toFixed(0)} MB` : '',
        shares.length > 0 ? `${(median(shares) * 100).toFixed(1)} %` : '',
        c.flinkPerCore !== undefined && ok ? perCore(c) : '',
        checkpointed === undefined ? '' : checkpointedCell(checkpointed, perCore),
        c.digestsAgree === undefined ? '' : c.digestsAgree ? 'same' : 'DIFFERS',
        notes,
      ];
    });
  const header = ['case', 'records/s (median)', 'spread', '× limit (paired)', 'peak RSS', 'GC / busy', 'per core', 'per core, ckpt 10 s', 'output', 'notes'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]): string => `| ${r.map((x, i) => x.padEnd(widths[i])).join(' | ')} |`;
  const out: string[] = [];
  out.push(
    `brook benchmarks: ${runs} run(s) per case, ${lines} access-log lines, ${events} Nexmark events`,
    `machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGb} GB, node ${info.node}; load average ${JSON.stringify(info.loadAverageAtStart)} at start, ${JSON.stringify(loadAtEnd)} at end`,
    "ratios are medians of per-run ratios (the cases run interleaved); GC / busy is the main thread's GC pauses over its busy event-loop time",
    '',
    fmt(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(fmt),
    '',
    'targets:',
    ...renderTargets(targets),
  );
  for (const c of s) for (const f of c.failures) out.push(`  ${c.name} failed: ${f}`);
  return `${out.join('\n')}\n`;
}

/** The checkpointed repeat of a case: its rate per core, how many checkpoints, whether its output agreed. */
function checkpointedCell(c: CaseSummary, perCore: (c: CaseSummary) => string): string {
  if (c.samples.length === 0) return 'failed';
  const counts = c.samples.map((x) => x.checkpointsCompleted ?? 0);
  const output = c.digestsAgree === false ? ', output DIFFERS' : '';
  return `${perCore(c)} ±${(c.spread * 100).toFixed(1)} % (${Math.min(...counts)}-${Math.max(...counts)} ckpts${output})`;
}

if (require.main === module && process.argv.includes('--cluster')) {
  clusterMain(
    process.argv.slice(2).filter((a) => a !== '--cluster'),
    (t) => process.stdout.write(t),
    (t) => process.stderr.write(t),
  ).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
} else if (require.main === module) {
  try {
    process.exitCode = main();
  } catch (e) {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  }
}
