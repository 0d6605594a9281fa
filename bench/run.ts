import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { parseArgs } from 'util';
import { BenchCase, CASES, CaseInput } from './cases';
import { writeAccessLog } from './ipcount/accessLogFile';
import { SLOW_SINK_MICROS } from './ipcount/slowSink';
import { formatRate, median, relativeSpread } from './stats';

/** At the slow sink's pace (100 K/s) the short log takes about a second, the long one four. */
const SLOW_SINK_LINES = 100_000;

const USAGE = `usage: npm run bench -- [--runs 3] [--json FILE] [--only REGEX] [--lines 3000000] [--events 2000000] [--report FILE]

Generates the inputs, runs every case --runs times (each run in a fresh process, cases
interleaved so that noise from other load spreads over all of them), prints a table of
records/s (median and spread), the ratio to the hand-written limit measured in the same run,
and peak resident memory; checks the speed targets (brook p1 against the limit, the naive
actors, the best peer, TaskManager threads, Nexmark per core). --json writes every sample;
--report FILE prints the table of such a file again.`;

interface Sample {
  readonly records: number;
  readonly digest: string;
  readonly maxRecordsInFlight?: number;
  readonly elapsedMs: number;
  readonly peakRssMb: number;
}

interface CaseSummary {
  readonly name: string;
  readonly group: string;
  readonly description: string;
  readonly cores: number;
  readonly samples: Sample[];
  readonly failures: string[];
  recordsPerSecond: number;
  spread: number;
  peakRssMb: number;
  digestsAgree: boolean | undefined;
  flinkPerCore: number | undefined;
}

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
    };
    writeAccessLog(input.accessLog, lines);
    writeAccessLog(input.slowSinkLog, SLOW_SINK_LINES);
    writeAccessLog(input.slowSinkLog4x, 4 * SLOW_SINK_LINES);

    const summaries: CaseSummary[] = cases.map((c) => ({
      name: c.name,
      group: c.group,
      description: c.description,
      cores: c.cores,
      samples: [],
      failures: [],
      recordsPerSecond: 0,
      spread: 0,
      peakRssMb: 0,
      digestsAgree: undefined,
      flinkPerCore: c.flinkPerCore,
    }));
    for (let r = 0; r < runs; r++) {
      cases.forEach((c, i) => {
        process.stderr.write(`run ${r + 1}/${runs}: ${c.name}… `);
        const s = runOnce(c, input);
        if (typeof s === 'string') {
          summaries[i].failures.push(s);
          process.stderr.write(`FAILED (${s})\n`);
        } else {
          summaries[i].samples.push(s);
          process.stderr.write(`${formatRate((s.records / s.elapsedMs) * 1000)}/s\n`);
        }
      });
    }
    for (const s of summaries) {
      const rates = s.samples.map((x) => (x.records / x.elapsedMs) * 1000);
      s.recordsPerSecond = rates.length ? median(rates) : 0;
      s.spread = relativeSpread(rates);
      s.peakRssMb = s.samples.length ? Math.max(...s.samples.map((x) => x.peakRssMb)) : 0;
    }
    // Every case of a group must have produced the same output as the group's first case.
    for (const s of summaries) {
      const reference = summaries.find((x) => x.group === s.group && x.samples.length > 0);
      if (!reference || s.samples.length === 0) continue;
      const want = reference.samples[0].digest;
      s.digestsAgree = s.samples.every((x) => x.digest === want);
    }
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

interface Target {
  readonly target: string;
  readonly ratio: number | undefined;
  readonly wanted: string;
  readonly met: boolean | undefined;
}

function checkTargets(s: readonly CaseSummary[]): Target[] {
  const rate = (name: string): number | undefined => {
    const c = s.find((x) => x.name === name);
    return c && c.samples.length > 0 ? c.recordsPerSecond : undefined;
  };
  const byName = (name: string): CaseSummary | undefined => s.find((x) => x.name === name && x.samples.length > 0);
  const p1 = byName('brook p1');
  const peers = ['RxJS', '@most/core'].map(byName).filter((x): x is CaseSummary => x !== undefined);
  const bestPeer = peers.length ? peers.reduce((a, b) => (a.recordsPerSecond >= b.recordsPerSecond ? a : b)) : undefined;
  const targets: Target[] = [
    { target: 'brook p1 / limit', ratio: pairedRatio(p1, byName('limit')), wanted: '>= 0.5', met: undefined },
    { target: 'brook p1 / naive actors', ratio: pairedRatio(p1, byName('naive actors')), wanted: '>= 10', met: undefined },
    { target: `brook p1 / best peer (${bestPeer?.name ?? 'none'})`, ratio: pairedRatio(p1, bestPeer), wanted: '> 1', met: undefined },
  ];
  const workers = s.filter((x) => x.group === 'ipcount' && x.name.includes('threads') && x.samples.length > 0);
  if (workers.length > 0) {
    const best = workers.reduce((a, b) => (a.recordsPerSecond >= b.recordsPerSecond ? a : b));
    targets.push({ target: `${best.name} / limit`, ratio: pairedRatio(best, byName('limit')), wanted: '> 1', met: undefined });
  }
  for (const c of s) {
    if (c.flinkPerCore === undefined || c.samples.length === 0) continue;
    targets.push({ target: `${c.name} per core / Flink per core`, ratio: c.recordsPerSecond / c.cores / c.flinkPerCore, wanted: '> 1', met: undefined });
  }
  const slow = rate('slow sink 1x');
  if (slow !== undefined) {
    targets.push({ target: 'slow sink 1x / sink pace', ratio: slow / (1e6 / SLOW_SINK_MICROS), wanted: '<= 1 (throughput at the sink pace)', met: undefined });
  }
  const rss1 = s.find((x) => x.name === 'slow sink 1x');
  const rss4 = s.find((x) => x.name === 'slow sink 4x');
  if (rss1?.samples.length && rss4?.samples.length) {
    targets.push({ target: 'slow sink peak RSS 4x input / 1x input', ratio: rss4.peakRssMb / rss1.peakRssMb, wanted: '< 1.25 (flat)', met: undefined });
  }
  const unlimited = s.find((x) => x.name === 'slow sink 4x, no credit');
  if (rss1?.samples.length && unlimited?.samples.length) {
    targets.push({
      target: '(contrast) slow sink without credit: peak RSS 4x input / 1x input',
      ratio: unlimited.peakRssMb / rss1.peakRssMb,
      wanted: 'informative',
      met: undefined,
    });
  }
  return targets.map((t) => ({ ...t, met: t.ratio === undefined || t.wanted === 'informative' ? undefined : meets(t.ratio, t.wanted) }));
}

/**
 * a / b over runs: cases run interleaved, so run r of every case saw about the same load; the
 * median of the per-run ratios is steadier than the ratio of medians on a shared machine.
 */
export function pairedRatio(a: CaseSummary | undefined, b: CaseSummary | undefined): number | undefined {
  if (!a || !b || a.samples.length === 0 || b.samples.length === 0) return undefined;
  const rate = (x: Sample): number => (x.records / x.elapsedMs) * 1000;
  if (a.samples.length !== b.samples.length || a.failures.length > 0 || b.failures.length > 0) return a.recordsPerSecond / b.recordsPerSecond;
  return median(a.samples.map((x, i) => rate(x) / rate(b.samples[i])));
}

function meets(ratio: number, wanted: string): boolean {
  const [op, value] = wanted.split(' ');
  const v = Number(value);
  if (op === '>=') return ratio >= v;
  if (op === '>') return ratio > v;
  if (op === '<=') return ratio <= v * 1.05; // at the pace, within measurement noise
  return ratio < v;
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
  const rows = s.map((c) => {
    const ok = c.samples.length > 0;
    const paired = c.group === 'ipcount' ? pairedRatio(c, limit) : undefined;
    const vsLimit = ok && paired !== undefined ? paired.toFixed(2) : '';
    const inFlight = ok ? c.samples.map((x) => x.maxRecordsInFlight).filter((x): x is number => x !== undefined) : [];
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
      vsLimit,
      ok ? `${c.peakRssMb.toFixed(0)} MB` : '',
      c.digestsAgree === undefined ? '' : c.digestsAgree ? 'same' : 'DIFFERS',
      notes,
    ];
  });
  const header = ['case', 'records/s (median)', 'spread', '× limit (paired)', 'peak RSS', 'output', 'notes'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]): string => `| ${r.map((x, i) => x.padEnd(widths[i])).join(' | ')} |`;
  const out: string[] = [];
  out.push(
    `brook benchmarks: ${runs} run(s) per case, ${lines} access-log lines, ${events} Nexmark events`,
    `machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGb} GB, node ${info.node}; load average ${JSON.stringify(info.loadAverageAtStart)} at start, ${JSON.stringify(loadAtEnd)} at end`,
    '',
    fmt(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(fmt),
    '',
    'targets:',
    ...targets.map(
      (t) =>
        `  ${t.met === undefined ? '       ' : t.met ? 'met    ' : 'NOT met'}  ${t.target}: ${t.ratio === undefined ? 'n/a' : t.ratio.toFixed(2)} (wanted ${t.wanted})`,
    ),
  );
  for (const c of s) for (const f of c.failures) out.push(`  ${c.name} failed: ${f}`);
  return `${out.join('\n')}\n`;
}

if (require.main === module) {
  try {
    process.exitCode = main();
  } catch (e) {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  }
}
