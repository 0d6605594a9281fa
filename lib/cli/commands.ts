import { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment';
import { explainJobGraph } from '../graph/explainJobGraph';
import { brookVersion } from '../rest/packageRoot';
import { JobsOverviewBody, SavepointStatusBody, TriggerBody } from '../rest/RestTypes';
import { TextWriter } from '../runtime/StreamOperator';
import { Clock, TimerHandle } from '../time/Clock';
import {
  CommandLine,
  commandUsage,
  flagOption,
  httpUrl,
  parseCommandLine,
  port,
  positiveInteger,
  stringOption,
  usage,
  UsageError,
  usageHint,
} from './CommandLine';
import { applyConfig, BrookConfig, findConfigFile, readConfigFile } from './ConfigFile';
import { defineFromJobFile, loadJobFile, runCleanups } from './JobFile';
import { TerminalStream } from './ProgressLine';
import { ensureBrook, errorOf, rest } from './RestClient';
import { clusterCommand, haOf, jobManagerAddress, jobManagerCommand, leaderOf, taskManagerCommand } from './processCommands';
import { runOnJobManager } from './remoteRun';
import { RunningServers } from './RunningServers';
import { runJobFile } from './runJob';

export { UsageError } from './CommandLine';

export interface CliIo {
  readonly stdout: TextWriter;
  readonly stderr: TerminalStream;
}

/** What the command reads from its process, replaceable in tests. */
export interface CliEnvironment {
  /** Where SIGINT and SIGTERM come from. */
  readonly signals: NodeJS.EventEmitter;
  /** Where `brook run --dashboard` announces its REST API and the other commands find it. */
  readonly servers: RunningServers;
  /** Where the configuration file is looked for. */
  readonly cwd: string;
  /** Paces the polling of a savepoint's status. */
  readonly clock: Clock;
}

const DEFAULT_URL = 'http://127.0.0.1:8081';
/** How often `brook savepoint` and `brook stop` ask whether the savepoint is done. */
const SAVEPOINT_POLL_MS = 200;

/**
 * Wall-clock time whose timers keep the process alive (the system clock's are unref'd): a
 * command waiting for a savepoint has nothing else pending between two polls.
 */
const waitingClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle: TimerHandle) => clearTimeout(handle as NodeJS.Timeout),
};

type Command = Extract<CommandLine, { kind: 'command' }>;

function configOf(line: Command, env: CliEnvironment): { readonly config: BrookConfig; readonly file: string } | undefined {
  const file = stringOption(line, 'config') ?? findConfigFile(env.cwd);
  return file === undefined ? undefined : { config: readConfigFile(file), file };
}

function parallelismOf(line: Command, config: BrookConfig | undefined): number | undefined {
  const p = stringOption(line, 'parallelism');
  return p !== undefined ? positiveInteger('-p', p, line.command) : config?.parallelism;
}

async function run(line: Command, io: CliIo, environment: CliEnvironment): Promise<number> {
  const found = configOf(line, environment);
  const dashboardFlag = line.options.dashboard;
  const savepoint = stringOption(line, 'from-savepoint');
  const allowNonRestored = flagOption(line, 'allow-non-restored-state');
  if (allowNonRestored && savepoint === undefined) throw new UsageError('-n (--allow-non-restored-state) goes with -s <savepoint>', 'run');
  const parallelism = parallelismOf(line, found?.config);
  const ha = haOf(line);
  if (line.options.jobmanager !== undefined || ha) {
    if (dashboardFlag !== undefined)
      throw new UsageError('--dashboard serves a job run in this process; a JobManager serves its own (brook jobmanager --rest-port)', 'run');
    if (ha && line.options.jobmanager !== undefined) throw new UsageError('--jobmanager or --ha, not both: with --ha the leader is found in etcd', 'run');
    const leader = ha ? await leaderOf(ha, io, environment.signals) : jobManagerAddress(line);
    if (!leader) return 130;
    return runOnJobManager(
      {
        host: leader.host,
        port: leader.port,
        highAvailability: ha !== undefined,
        file: line.positionals[0],
        args: line.jobArgs,
        parallelism,
        savepoint: savepoint === undefined ? undefined : { path: savepoint, allowNonRestoredState: allowNonRestored },
      },
      io,
      environment.signals,
    );
  }
  const job = await loadJobFile(line.positionals[0]);
  const keepDashboard = flagOption(line, 'keep-dashboard');
  if (keepDashboard && dashboardFlag === undefined) throw new UsageError('--keep-dashboard goes with --dashboard', 'run');
  let interrupted = false;
  let cancel: (() => void) | undefined;
  let withdraw: (() => void) | undefined;
  let leave: (() => void) | undefined;
  const kept = keepDashboard ? new Promise<void>((resolve) => (leave = resolve)) : undefined;
  let ended = false;
  const onSignal = (): void => {
    // After the job ended, Ctrl-C only stops serving its dashboard: the exit status stays the job's.
    if (!ended) interrupted = true;
    cancel?.();
    leave?.();
  };
  environment.signals.on('SIGINT', onSignal);
  environment.signals.on('SIGTERM', onSignal);
  try {
    const rest = found?.config.rest;
    const outcome = await runJobFile(job, {
      parallelism,
      args: line.jobArgs,
      dashboard:
        dashboardFlag === undefined
          ? undefined
          : {
              port: typeof dashboardFlag === 'string' ? port('--dashboard', dashboardFlag, 'run') : rest?.port,
              host: rest?.address,
              enableCancel: flagOption(line, 'allow-cancel'),
              enableSavepoint: flagOption(line, 'allow-savepoint'),
              keepUntil: kept,
              onKept: (url) => {
                ended = true;
                io.stderr.write(`brook: the job ended; its dashboard stays at ${url} until Ctrl-C\n`);
              },
            },
      stdout: io.stdout,
      stderr: io.stderr,
      configure: (env) => {
        // The file first: the flags override it (-p is passed as the default parallelism above).
        if (found) applyConfig(env, found.config, found.file);
        if (savepoint !== undefined) env.setSavepointRestoreSettings({ path: savepoint, allowNonRestoredState: allowNonRestored });
      },
      beforeRun: ({ jobName, dashboardUrl }) => {
        if (found) io.stderr.write(`brook: configuration from ${found.file}\n`);
        if (dashboardUrl) {
          io.stderr.write(`brook: job '${jobName}' — dashboard at ${dashboardUrl}\n`);
          withdraw = environment.servers.register({ url: dashboardUrl, pid: process.pid, jobName, startedAt: environment.clock.now() });
        }
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
    if (outcome.outputClosed) {
      io.stderr.write('brook: the output was closed by its reader; job cancelled\n');
      return 0;
    }
    if (!outcome.reported) io.stderr.write(`brook: ${outcome.status === 'CANCELED' ? 'job cancelled' : outcome.error.message}\n`);
    return interrupted ? 130 : 1;
  } finally {
    withdraw?.();
    environment.signals.off('SIGINT', onSignal);
    environment.signals.off('SIGTERM', onSignal);
  }
}

async function explain(line: Command, io: CliIo, environment: CliEnvironment): Promise<number> {
  const found = configOf(line, environment);
  const job = await loadJobFile(line.positionals[0]);
  const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: parallelismOf(line, found?.config) });
  if (found) applyConfig(env, found.config, found.file);
  const cleanups = await defineFromJobFile(job, env, line.jobArgs);
  try {
    io.stdout.write(`${explainJobGraph(env.getJobGraph(job.jobName))}\n`);
    return 0;
  } finally {
    await runCleanups(cleanups);
  }
}

/** The REST APIs to talk to: `--url`, else the running ones this user started, else Flink's default port. */
function targets(line: Command, environment: CliEnvironment): string[] {
  const url = stringOption(line, 'url');
  if (url !== undefined) return [httpUrl('--url', url, line.command)];
  const running = environment.servers.list().map((s) => s.url.replace(/\/+$/, ''));
  return running.length > 0 ? running : [DEFAULT_URL];
}

async function jobsAt(base: string): Promise<JobsOverviewBody['jobs']> {
  await ensureBrook(base);
  const res = await rest(`${base}/jobs/overview`);
  if (!res.ok) throw new Error(await errorOf(res));
  return ((await res.json()) as JobsOverviewBody).jobs;
}

/** The REST API that runs job `id`: with several candidates, the one that knows it. */
async function serverOf(line: Command, id: string, environment: CliEnvironment): Promise<string> {
  const candidates = targets(line, environment);
  if (candidates.length === 1) {
    await ensureBrook(candidates[0]);
    return candidates[0];
  }
  for (const base of candidates) {
    try {
      if ((await jobsAt(base)).some((j) => j.jid === id)) return base;
    } catch {
      // A process that ended since it was listed: try the others.
    }
  }
  throw new Error(`no job with id ${id} in the running brook processes (${candidates.join(', ')})`);
}

function table(rows: readonly string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n');
}

async function list(line: Command, io: CliIo, environment: CliEnvironment): Promise<number> {
  const bases = targets(line, environment);
  const rows = [['JOB ID', 'STATUS', 'STARTED (UTC)', 'DURATION', 'NAME', ...(bases.length > 1 ? ['REST API'] : [])]];
  for (const base of bases) {
    for (const j of await jobsAt(base)) {
      const started = new Date(j['start-time']).toISOString().replace('T', ' ').slice(0, 19);
      rows.push([j.jid, j.state, started, `${Math.round(j.duration / 1000)}s`, j.name, ...(bases.length > 1 ? [base] : [])]);
    }
  }
  io.stdout.write(rows.length === 1 ? 'no jobs\n' : `${table(rows)}\n`);
  return 0;
}

async function cancelJob(line: Command, io: CliIo, environment: CliEnvironment): Promise<number> {
  const id = line.positionals[0];
  const base = await serverOf(line, id, environment);
  const res = await rest(`${base}/jobs/${encodeURIComponent(id)}?mode=cancel`, { method: 'PATCH' });
  if (res.status !== 202) throw new Error(`cannot cancel job ${id}: ${await errorOf(res)}`);
  io.stdout.write(`cancelling job ${id}\n`);
  return 0;
}

function delay(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

/** Flink's `flink savepoint` and `flink stop`: trigger, then wait for the outcome. */
async function savepoint(line: Command, io: CliIo, environment: CliEnvironment, kind: 'savepoint' | 'stop'): Promise<number> {
  const id = line.positionals[0];
  const directory = kind === 'savepoint' ? line.positionals[1] : stringOption(line, 'savepoint-path');
  const base = await serverOf(line, id, environment);
  const job = `${base}/jobs/${encodeURIComponent(id)}`;
  const body = kind === 'savepoint' ? { 'target-directory': directory ?? null, 'cancel-job': false } : { targetDirectory: directory ?? null };
  const res = await rest(`${job}/${kind === 'savepoint' ? 'savepoints' : 'stop'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 202) throw new Error(`cannot ${kind === 'savepoint' ? 'take a savepoint of' : 'stop'} job ${id}: ${await errorOf(res)}`);
  const { 'request-id': requestId } = (await res.json()) as TriggerBody;
  io.stdout.write(`${kind === 'savepoint' ? 'Triggering savepoint for' : 'Suspending'} job ${id}; waiting for the savepoint (request ${requestId})\n`);
  for (;;) {
    const status = await rest(`${job}/savepoints/${requestId}`);
    if (!status.ok) throw new Error(`cannot follow the savepoint of job ${id}: ${await errorOf(status)}`);
    const { status: state, operation } = (await status.json()) as SavepointStatusBody;
    if (state.id === 'COMPLETED' && operation) {
      if ('location' in operation) {
        io.stdout.write(`Savepoint completed. Path: ${operation.location}\n`);
        return 0;
      }
      throw new Error(`savepoint of job ${id} failed: ${operation['failure-cause']['stack-trace']}`);
    }
    await delay(environment.clock, SAVEPOINT_POLL_MS);
  }
}

async function runCommand(line: Command, io: CliIo, environment: CliEnvironment): Promise<number> {
  switch (line.command) {
    case 'run':
      return run(line, io, environment);
    case 'explain':
      return explain(line, io, environment);
    case 'list':
      return list(line, io, environment);
    case 'cancel':
      return cancelJob(line, io, environment);
    case 'savepoint':
    case 'stop':
      return savepoint(line, io, environment, line.command);
    case 'jobmanager':
      return jobManagerCommand(line, { ...io, signals: environment.signals });
    case 'taskmanager':
      return taskManagerCommand(line, { ...io, signals: environment.signals });
    case 'cluster':
      return clusterCommand(line, { ...io, signals: environment.signals }, process.argv[1]);
  }
}

/** The `brook` command: returns the exit code (0 ok, 1 failed, 2 usage, 130 interrupted). */
export async function brook(argv: readonly string[], io: CliIo, environment: Partial<CliEnvironment> = {}): Promise<number> {
  const env: CliEnvironment = {
    signals: environment.signals ?? process,
    servers: environment.servers ?? new RunningServers(),
    cwd: environment.cwd ?? process.cwd(),
    clock: environment.clock ?? waitingClock,
  };
  try {
    const line = parseCommandLine(argv);
    switch (line.kind) {
      case 'help':
        io.stdout.write(`${line.command === undefined ? usage() : commandUsage(line.command)}\n`);
        return argv.length === 0 ? 2 : 0;
      case 'version':
        io.stdout.write(`brook ${brookVersion()}\n`);
        return 0;
      case 'command':
        return await runCommand(line, io, env);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`brook: ${e.message}\n${usageHint(e.command)}\n`);
      return 2;
    }
    io.stderr.write(`brook: ${(e as Error).message}\n`);
    return 1;
  }
}
