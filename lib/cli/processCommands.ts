import { ChildProcess, spawn } from 'child_process';
import { parseAddress } from '../cluster/net/FramedConnection';
import { DEFAULT_HEARTBEAT, HeartbeatSettings } from '../cluster/net/HeartbeatMonitor';
import { connectHighAvailability } from '../cluster/connectHighAvailability';
import { HaSettings, LeadershipEvent, processRoles, RunningTaskManager } from '../cluster/ProcessRoles';
import { findLeader } from './findLeader';
import { TextWriter } from '../runtime/StreamOperator';
import { TerminalStream } from './ProgressLine';
import { CommandLine, port, positiveInteger, stringOption, UsageError } from './CommandLine';

type Command = Extract<CommandLine, { kind: 'command' }>;

export interface ProcessCommandIo {
  readonly stdout: TextWriter;
  readonly stderr: TerminalStream;
  readonly signals: NodeJS.EventEmitter;
}

/** Flink's JobManager port. */
export const DEFAULT_JOBMANAGER_PORT = 6123;

function heartbeatOf(line: Command): HeartbeatSettings {
  const interval = stringOption(line, 'heartbeat-interval');
  const timeout = stringOption(line, 'heartbeat-timeout');
  const settings = {
    intervalMs: interval === undefined ? DEFAULT_HEARTBEAT.intervalMs : positiveInteger('--heartbeat-interval', interval, line.command),
    timeoutMs: timeout === undefined ? DEFAULT_HEARTBEAT.timeoutMs : positiveInteger('--heartbeat-timeout', timeout, line.command),
  };
  if (settings.timeoutMs <= settings.intervalMs) throw new UsageError('--heartbeat-timeout must exceed --heartbeat-interval', line.command);
  return settings;
}

/** Resolves on the first SIGINT or SIGTERM. */
function signalled(signals: NodeJS.EventEmitter): { readonly received: Promise<string>; readonly dispose: () => void } {
  let dispose = (): void => undefined;
  const received = new Promise<string>((resolve) => {
    const on = (name: string) => () => resolve(name);
    const int = on('SIGINT');
    const term = on('SIGTERM');
    signals.once('SIGINT', int);
    signals.once('SIGTERM', term);
    dispose = () => {
      signals.off('SIGINT', int);
      signals.off('SIGTERM', term);
    };
  });
  return { received, dispose };
}

export function jobManagerAddress(line: Command): { readonly host: string; readonly port: number } {
  const address = stringOption(line, 'jobmanager');
  if (address === undefined) throw new UsageError(`brook ${line.command} needs --jobmanager HOST:PORT`, line.command);
  try {
    return parseAddress(address);
  } catch (e) {
    throw new UsageError(`--jobmanager: ${(e as Error).message}`, line.command);
  }
}

/** Flink's high-availability.kubernetes.leader-election.lease-duration is 15 s; etcd leases count in seconds. */
export const DEFAULT_LEASE_TTL_SECONDS = 10;

/**
 * A TaskManager's lease TTL unless `--lease-ttl` says: its heartbeat timeout, in whole seconds,
 * so that a paused TaskManager is fenced out about when its JobManager declares it lost.
 */
export function taskManagerLeaseTtlSeconds(heartbeat: HeartbeatSettings): number {
  return Math.ceil(heartbeat.timeoutMs / 1000);
}

/** `--ha etcd://h1:2379,h2:2379`, `--cluster-id` and `--lease-ttl`: undefined without --ha. */
export function haOf(line: Command, defaultLeaseTtlSeconds = DEFAULT_LEASE_TTL_SECONDS): HaSettings | undefined {
  const ha = stringOption(line, 'ha');
  const clusterId = stringOption(line, 'cluster-id');
  const leaseTtl = stringOption(line, 'lease-ttl');
  if (ha === undefined) {
    if (clusterId !== undefined) throw new UsageError('--cluster-id needs --ha', line.command);
    if (leaseTtl !== undefined) throw new UsageError('--lease-ttl needs --ha', line.command);
    return undefined;
  }
  const m = /^etcd:\/\/(.+)$/.exec(ha);
  const hosts = m?.[1].split(',').filter((h) => h.length > 0) ?? [];
  if (hosts.length === 0) throw new UsageError(`--ha: expected etcd://HOST:PORT[,HOST:PORT…], got '${ha}'`, line.command);
  if (clusterId !== undefined && !/^[\w.-]+$/.test(clusterId))
    throw new UsageError(`--cluster-id: letters, digits, '.', '_' and '-' only, got '${clusterId}'`, line.command);
  return {
    endpoints: hosts.map((h) => `http://${h}`),
    clusterId: clusterId ?? 'default',
    leaseTtlSeconds: leaseTtl === undefined ? defaultLeaseTtlSeconds : positiveInteger('--lease-ttl', leaseTtl, line.command),
  };
}

/** With --ha: the leading JobManager's address, found in etcd; undefined after Ctrl-C while none leads. */
export async function leaderOf(
  settings: HaSettings,
  io: Pick<ProcessCommandIo, 'stderr'>,
  signals: NodeJS.EventEmitter,
): Promise<{ readonly host: string; readonly port: number } | undefined> {
  const ha = await connectHighAvailability(settings);
  const stop = signalled(signals);
  try {
    const leader = await findLeader(ha, stop.received);
    if (leader) io.stderr.write(`brook: the leading JobManager of cluster '${settings.clusterId}' is at ${leader.address}\n`);
    return leader && parseAddress(leader.address);
  } finally {
    stop.dispose();
    await ha.close();
  }
}

/** `brook jobmanager`: serves until SIGINT or SIGTERM. */
export async function jobManagerCommand(line: Command, io: ProcessCommandIo): Promise<number> {
  const p = stringOption(line, 'port');
  const rest = stringOption(line, 'rest-port');
  const timeout = stringOption(line, 'slot-request-timeout');
  const host = stringOption(line, 'host') ?? '127.0.0.1';
  const options = {
    host,
    port: p === undefined ? DEFAULT_JOBMANAGER_PORT : port('--port', p, 'jobmanager'),
    restPort: rest === undefined ? undefined : port('--rest-port', rest, 'jobmanager'),
    slotRequestTimeoutMs: timeout === undefined ? undefined : positiveInteger('--slot-request-timeout', timeout, 'jobmanager'),
    heartbeat: heartbeatOf(line),
    ha: haOf(line),
    onLeadership: (event: LeadershipEvent) =>
      io.stderr.write(
        event.type === 'granted'
          ? `brook: this JobManager leads (fencing token ${event.token})\n`
          : `brook: this JobManager lost its leadership (${event.reason}); its jobs stopped here, it campaigns again\n`,
      ),
  };
  if (options.ha && (host === '0.0.0.0' || host === '::'))
    throw new UsageError(`--host ${host} with --ha: the leader publishes its --host for the others to reach, so give an address they reach`, 'jobmanager');
  const jm = await processRoles().startJobManager(options);
  io.stderr.write(
    `brook: JobManager listening on ${host}:${jm.port}${jm.restUrl ? `, REST API and dashboard at ${jm.restUrl}` : ''}` +
      `${options.ha ? `, campaigning for leadership of cluster '${options.ha.clusterId}' on ${options.ha.endpoints.join(',')}` : ''}\n`,
  );
  const stop = signalled(io.signals);
  await stop.received;
  stop.dispose();
  await jm.shutdown();
  io.stderr.write('brook: JobManager stopped\n');
  return 0;
}

/** `brook taskmanager`: runs until SIGINT or SIGTERM, or until its JobManager is lost (exit code 1). */
export async function taskManagerCommand(line: Command, io: ProcessCommandIo): Promise<number> {
  const heartbeat = heartbeatOf(line);
  const ha = haOf(line, taskManagerLeaseTtlSeconds(heartbeat));
  if (ha && line.options.jobmanager !== undefined) throw new UsageError('--jobmanager or --ha, not both: with --ha the leader is found in etcd', 'taskmanager');
  const s = stringOption(line, 'slots');
  const slots = s === undefined ? 1 : positiveInteger('--slots', s, 'taskmanager');
  const common = { slots, dataHost: stringOption(line, 'host'), heartbeat };
  const registered = (id: number, jobManager: string): void =>
    void io.stderr.write(`brook: TaskManager ${id} registered with the JobManager at ${jobManager} (${slots} slot(s))\n`);
  const stop = signalled(io.signals);
  let tm: RunningTaskManager;
  if (ha) {
    const onFenced = (reason: string): void =>
      void io.stderr.write(
        `brook: TaskManager fenced out: its registration's lease (TTL ${ha.leaseTtlSeconds} s) ended (${reason}); ` +
          'its subtasks were stopped and its JobManager dropped; it registers anew\n',
      );
    tm = await processRoles().startLeaderFollowingTaskManager({ ...common, ha, onRegistered: registered, onFenced });
  } else {
    const { host, port: jmPort } = jobManagerAddress(line);
    tm = await processRoles().startTaskManager({ ...common, jobManagerHost: host, jobManagerPort: jmPort });
    void tm.registered.then((id) => registered(id, `${host}:${jmPort}`));
  }
  const outcome = await Promise.race([stop.received.then(() => 'signal' as const), tm.closed]);
  stop.dispose();
  if (outcome === 'signal') {
    tm.stop();
    await tm.closed;
    return 0;
  }
  if (outcome === undefined) return 0;
  io.stderr.write(`brook: TaskManager stopped: ${outcome.message}\n`);
  return 1;
}

/** Prefixes each line a child prints with its role. */
function pipeLines(stream: NodeJS.ReadableStream, prefix: string, to: TerminalStream, onLine: (line: string) => void): void {
  let partial = '';
  stream.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    for (const l of lines) {
      to.write(`${prefix}${l}\n`);
      onLine(l);
    }
  });
}

/**
 * `brook cluster start`: JobManagers and N TaskManagers, each a child process of this one
 * (running this same brook command), their output prefixed with their role. Without --ha one
 * JobManager, whose exit stops the cluster; with --ha, `--job-managers` of them campaign in etcd
 * and the TaskManagers follow the leader, so a JobManager may be killed to see a standby take
 * over: the cluster stops once every JobManager exited. Ctrl-C or SIGTERM stops every child.
 */
export async function clusterCommand(line: Command, io: ProcessCommandIo, entry: string): Promise<number> {
  if (line.positionals[0] !== 'start') throw new UsageError(`brook cluster knows one action, start (got '${line.positionals[0]}')`, 'cluster');
  const n = stringOption(line, 'task-managers');
  const s = stringOption(line, 'slots');
  const p = stringOption(line, 'port');
  const rest = stringOption(line, 'rest-port');
  const j = stringOption(line, 'job-managers');
  const count = n === undefined ? 1 : positiveInteger('-n', n, 'cluster');
  const slots = s === undefined ? '1' : String(positiveInteger('--slots', s, 'cluster'));
  const ha = haOf(line);
  if (!ha && j !== undefined) throw new UsageError('--job-managers needs --ha: without it there is one JobManager by address', 'cluster');
  const jobManagers = j === undefined ? 1 : positiveInteger('--job-managers', j, 'cluster');
  heartbeatOf(line); // refused here, not by each child
  const passed = (...names: string[]): string[] => names.flatMap((name) => (line.options[name] === undefined ? [] : [`--${name}`, String(line.options[name])]));
  const haArgs = ha ? ['--ha', String(line.options.ha), '--cluster-id', ha.clusterId, ...passed('lease-ttl')] : [];
  const common = [...haArgs, ...passed('heartbeat-interval', 'heartbeat-timeout')];
  // With several JobManagers on one host each needs its own port: free ones, unless --port says where they start.
  const firstPort = p === undefined ? (ha ? 0 : DEFAULT_JOBMANAGER_PORT) : port('--port', p, 'cluster');
  const jmArgs = (i: number): string[] => {
    const args = ['jobmanager', '--port', String(firstPort === 0 ? 0 : firstPort + i), ...common];
    if (rest !== undefined && i === 0) args.push('--rest-port', String(port('--rest-port', rest, 'cluster')));
    return args;
  };

  const children: ChildProcess[] = [];
  const exited = new Map<ChildProcess, Promise<void>>();
  const start = (name: string, args: string[], onLine: (l: string) => void = () => undefined): ChildProcess => {
    const child = spawn(process.execPath, [entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    pipeLines(child.stdout!, '', io.stdout, () => undefined);
    pipeLines(child.stderr!, `[${name}] `, io.stderr, onLine);
    children.push(child);
    io.stderr.write(`brook: started ${name} (pid ${child.pid})\n`);
    exited.set(child, new Promise((resolve) => child.once('exit', () => resolve())));
    return child;
  };
  const stopAll = async (): Promise<void> => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    const killer = setTimeout(() => children.forEach((c) => c.exitCode === null && c.signalCode === null && c.kill('SIGKILL')), 5000);
    await Promise.all(exited.values());
    clearTimeout(killer);
  };
  const stop = signalled(io.signals);
  try {
    const listening: string[] = [];
    const jms: ChildProcess[] = [];
    // One after the other: a JobManager says it listens once it campaigns, so the first one leads at first.
    for (let i = 0; i < jobManagers; i++) {
      let onListening!: (port: string) => void;
      const port = new Promise<string>((resolve) => (onListening = resolve));
      const jm = start(jobManagers === 1 ? 'jobmanager' : `jobmanager-${i}`, jmArgs(i), (l) => {
        const m = /JobManager listening on [^ ]*:(\d+)/.exec(l);
        if (m) onListening(m[1]);
      });
      jms.push(jm);
      const first = await Promise.race([port, exited.get(jm)!.then(() => 'jobmanager exited' as const), stop.received.then(() => 'signal' as const)]);
      if (first === 'signal' || first === 'jobmanager exited') return first === 'signal' ? 0 : 1;
      listening.push(first);
    }
    // Without HA the JobManager is the cluster; with HA the cluster lives while one of them does.
    const jmExit = (ha ? Promise.all(jms.map((c) => exited.get(c))) : exited.get(jms[0])!).then(() => 'jobmanager exited' as const);
    let registered = 0;
    let allRegistered!: () => void;
    const ready = new Promise<void>((resolve) => (allRegistered = resolve));
    const tmArgs = ['taskmanager', ...(ha ? [] : ['--jobmanager', `127.0.0.1:${listening[0]}`]), '--slots', slots, ...common];
    for (let i = 0; i < count; i++) {
      let counted = false;
      start(`taskmanager-${i}`, tmArgs, (l) => {
        // With HA a TaskManager registers again with every new leader: counted once.
        if (!counted && /TaskManager \d+ registered/.test(l)) {
          counted = true;
          if (++registered === count) allRegistered();
        }
      });
    }
    const first = await Promise.race([ready.then(() => 'ready' as const), jmExit, stop.received.then(() => 'signal' as const)]);
    if (first === 'ready') {
      const where = ha ? `--ha ${String(line.options.ha)} --cluster-id ${ha.clusterId}` : `--jobmanager 127.0.0.1:${listening[0]}`;
      const managers = ha
        ? `${jobManagers} JobManager(s) at ${listening.map((l) => `127.0.0.1:${l}`).join(', ')} (HA on ${ha.endpoints.join(',')}, cluster '${ha.clusterId}', lease TTL ${ha.leaseTtlSeconds} s)`
        : `a JobManager at 127.0.0.1:${listening[0]}`;
      io.stderr.write(
        `brook: local cluster running: ${managers} and ${count} TaskManager(s) × ${slots} slot(s); ` +
          `submit with: brook run ${where} <job file>. Ctrl-C stops it.\n`,
      );
    }
    const end = first === 'ready' ? await Promise.race([jmExit, stop.received.then(() => 'signal' as const)]) : first;
    return end === 'signal' ? 0 : 1;
  } finally {
    stop.dispose();
    await stopAll();
    io.stderr.write('brook: local cluster stopped\n');
  }
}
