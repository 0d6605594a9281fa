import { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment';
import { explainJobGraph } from '../graph/explainJobGraph';
import { ErrorBody, JobsOverviewBody } from '../rest/RestTypes';
import { TextWriter } from '../runtime/StreamOperator';
import { JobModuleError } from '../api/JobModule';
import { defineFromJobFile, loadJobFile, runCleanups } from './JobFile';
import { TerminalStream } from './ProgressLine';
import { runJobFile } from './runJob';

export const USAGE = `usage: brook <command> [options]

  brook run <job file> [-p N] [--dashboard [port]] [--allow-cancel] [--allow-savepoint] [-- job args]
      Runs the job on a local cluster in this process. --dashboard serves the REST API and
      web dashboard on 127.0.0.1 (port 8081, or a free one when taken); --allow-cancel lets
      the dashboard and \`brook cancel\` cancel it, --allow-savepoint lets them take
      savepoints (the job must enable checkpointing). On a terminal a progress line shows
      records read, rate and watermark; piped, only the job's output is printed.
  brook explain <job file> [-p N] [-- job args]
      Prints the job's tasks, parallelism and edges (REBALANCE / HASH / FORWARD).
  brook list [--url URL]
      Lists the jobs of a brook process started with --dashboard (default http://127.0.0.1:8081).
  brook cancel <job id> [--url URL]
      Cancels a job there (the process must run with --allow-cancel).

A job file is a compiled JavaScript module exporting defineJob(env, { args, onJobEnd }) and,
optionally, jobName; e.g. dist/samples/ipcount/IpCountJob.js (npm run build makes it).`;

export interface CliIo {
  readonly stdout: TextWriter;
  readonly stderr: TerminalStream;
}

export class UsageError extends Error {}

interface Parsed {
  readonly positional: string[];
  readonly parallelism: number | undefined;
  readonly dashboard: { port: number | undefined } | undefined;
  readonly allowCancel: boolean;
  readonly allowSavepoint: boolean;
  readonly url: string;
  readonly jobArgs: string[];
}

function parse(argv: readonly string[]): Parsed {
  const positional: string[] = [];
  let parallelism: number | undefined;
  let dashboard: { port: number | undefined } | undefined;
  let allowCancel = false;
  let allowSavepoint = false;
  let url = 'http://127.0.0.1:8081';
  let jobArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      jobArgs = argv.slice(i + 1);
      break;
    } else if (a === '-p' || a === '--parallelism') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`${a} needs a positive integer, got '${argv[i] ?? ''}'`);
      parallelism = n;
    } else if (a === '--dashboard') {
      // The port is optional: take the next word only when it is a number.
      const next = argv[i + 1];
      if (next !== undefined && /^\d+$/.test(next)) {
        const port = Number(next);
        if (port > 65535) throw new UsageError(`--dashboard port must be 0..65535, got ${next}`);
        dashboard = { port };
        i++;
      } else {
        dashboard = { port: undefined };
      }
    } else if (a === '--allow-cancel') {
      allowCancel = true;
    } else if (a === '--allow-savepoint') {
      allowSavepoint = true;
    } else if (a === '--url') {
      url = argv[++i] ?? '';
      if (!/^https?:\/\//.test(url)) throw new UsageError(`--url needs an http:// URL, got '${url}'`);
    } else if (a.startsWith('-')) {
      throw new UsageError(`unknown option ${a}`);
    } else {
      positional.push(a);
    }
  }
  return { positional, parallelism, dashboard, allowCancel, allowSavepoint, url: url.replace(/\/+$/, ''), jobArgs };
}

function one(p: Parsed, what: string): string {
  if (p.positional.length !== 1) throw new UsageError(`expected one ${what}, got ${p.positional.length === 0 ? 'none' : p.positional.join(' ')}`);
  return p.positional[0];
}

async function run(p: Parsed, io: CliIo, signals: NodeJS.EventEmitter): Promise<number> {
  const job = await loadJobFile(one(p, 'job file'));
  let interrupted = false;
  let cancel: (() => void) | undefined;
  const onSignal = (): void => {
    interrupted = true;
    cancel?.();
  };
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
  try {
    const outcome = await runJobFile(job, {
      parallelism: p.parallelism,
      args: p.jobArgs,
      dashboard: p.dashboard ? { port: p.dashboard.port, enableCancel: p.allowCancel, enableSavepoint: p.allowSavepoint } : undefined,
      stdout: io.stdout,
      stderr: io.stderr,
      beforeRun: ({ jobName, dashboardUrl }) => {
        if (dashboardUrl) io.stderr.write(`brook: job '${jobName}' — dashboard at ${dashboardUrl}\n`);
      },
      onSubmitted: (client) => {
        cancel = () => void client.cancel();
        if (interrupted) cancel();
      },
    });
    if (outcome.status === 'FINISHED') {
      const r = outcome.result;
      const skipped = r.vertices.reduce((n, v) => n + v.numRecordsSkipped, 0);
      const late = r.vertices.reduce((n, v) => n + v.numLateRecordsDropped, 0);
      io.stderr.write(`brook: job '${r.jobName}' finished in ${r.netRuntime} ms (${skipped} malformed records skipped, ${late} late records dropped)\n`);
      return 0;
    }
    io.stderr.write(`brook: ${outcome.status === 'CANCELED' ? 'job cancelled' : outcome.error.message}\n`);
    return interrupted ? 130 : 1;
  } finally {
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
  }
}

async function explain(p: Parsed, io: CliIo): Promise<number> {
  const job = await loadJobFile(one(p, 'job file'));
  const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: p.parallelism });
  const cleanups = await defineFromJobFile(job, env, p.jobArgs);
  try {
    io.stdout.write(`${explainJobGraph(env.getJobGraph(job.jobName))}\n`);
    return 0;
  } finally {
    await runCleanups(cleanups);
  }
}

async function rest(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    throw new Error(`no brook REST API at ${new URL(url).origin} (${(e as Error).message}); start a job with \`brook run <job file> --dashboard\``);
  }
}

async function errorOf(res: Response): Promise<string> {
  try {
    return ((await res.json()) as ErrorBody).errors.join('; ');
  } catch {
    return `${res.status} ${res.statusText}`;
  }
}

function table(rows: readonly string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n');
}

async function list(p: Parsed, io: CliIo): Promise<number> {
  if (p.positional.length > 0) throw new UsageError(`brook list takes no arguments, got ${p.positional.join(' ')}`);
  const res = await rest(`${p.url}/jobs/overview`);
  if (!res.ok) throw new Error(await errorOf(res));
  const { jobs } = (await res.json()) as JobsOverviewBody;
  if (jobs.length === 0) {
    io.stdout.write('no jobs\n');
    return 0;
  }
  const rows = [['JOB ID', 'STATUS', 'STARTED (UTC)', 'DURATION', 'NAME']];
  for (const j of jobs) {
    rows.push([j.jid, j.state, new Date(j['start-time']).toISOString().replace('T', ' ').slice(0, 19), `${Math.round(j.duration / 1000)}s`, j.name]);
  }
  io.stdout.write(`${table(rows)}\n`);
  return 0;
}

async function cancelJob(p: Parsed, io: CliIo): Promise<number> {
  const id = one(p, 'job id');
  const res = await rest(`${p.url}/jobs/${encodeURIComponent(id)}?mode=cancel`, { method: 'PATCH' });
  if (res.status !== 202) throw new Error(`cannot cancel job ${id}: ${await errorOf(res)}`);
  io.stdout.write(`cancelling job ${id}\n`);
  return 0;
}

/** The `brook` command: returns the exit code (0 ok, 1 failed, 2 usage, 130 interrupted). */
export async function brook(argv: readonly string[], io: CliIo, signals: NodeJS.EventEmitter = process): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const p = parse(rest);
    switch (command) {
      case 'run':
        return await run(p, io, signals);
      case 'explain':
        return await explain(p, io);
      case 'list':
        return await list(p, io);
      case 'cancel':
        return await cancelJob(p, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`brook: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    io.stderr.write(`brook: ${e instanceof JobModuleError ? e.message : (e as Error).message}\n`);
    return 1;
  }
}
