import { ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { createClient } from 'redis';
import { findLatestCompletedCheckpoint } from '../../lib/runtime/checkpoint/CheckpointStorage';
import { SeededRandom } from '../../lib/util/SeededRandom';
import { generateInput, referenceCounts, totalLines } from '../../samples/chaos/ChaosInput';
import { compareResults } from '../../samples/chaos/compareResults';
import { producePaced } from '../../samples/chaos/PacedProducer';
import { EtcdCluster } from '../harness/EtcdCluster';
import { ROOT, runScript } from '../harness/processes';
import { RedisServer } from '../harness/RedisServer';

/**
 * A seeded chaos round on a cluster of processes: a 3-member etcd, a redis-server, two
 * JobManagers with --ha, three TaskManagers (2 slots each, so parallelism 4 fits on any two) and
 * the exactly-once IpCount job submitted with `brook run --ha`. While the input is produced,
 * faults drawn from the seed hit the cluster: kill -9 of a TaskManager (started again after a
 * pause), kill -9 of the leading JobManager (started again, as a standby), SIGSTOP of a
 * TaskManager for longer than its lease TTL (and heartbeat timeout), then SIGCONT: it must say it
 * was fenced out. Then the job ends on its own
 * (--stop-when-idle) and the Redis sink must hold exactly the fault-free counts per (5 s window,
 * ip): nothing lost, doubled or wrong.
 *
 * The CI round is short (3 TaskManager kills, 1 JobManager kill, 1 SIGSTOP). The full round
 * (10 + 2 + 1, over a longer input) runs with BROOK_CLUSTER_CHAOS=full; BROOK_CLUSTER_CHAOS_SEED
 * picks another seed.
 */

const BROOK = 'actors/brook.js';
const CLUSTER = 'chaos';
const HEARTBEAT = ['--heartbeat-interval', '200', '--heartbeat-timeout', '2000'];
const HEARTBEAT_TIMEOUT_MS = 2000;
/** The TaskManagers' lease TTL: a SIGSTOP longer than this fences the TaskManager out. */
const TM_LEASE_TTL_S = 2;
const STOP_WHEN_IDLE_MS = 2500;

type FaultKind = 'tm-kill' | 'jm-kill' | 'tm-stop';

interface RoundShape {
  readonly tmKills: number;
  readonly jmKills: number;
  readonly tmStops: number;
  readonly lines: number;
  readonly produceMs: number;
  readonly testTimeoutMs: number;
}

const FULL = process.env.BROOK_CLUSTER_CHAOS === 'full';
const SEED = Number(process.env.BROOK_CLUSTER_CHAOS_SEED ?? '7');
const SHAPE: RoundShape = FULL
  ? { tmKills: 10, jmKills: 2, tmStops: 1, lines: 12_000, produceMs: 120_000, testTimeoutMs: 400_000 }
  : { tmKills: 3, jmKills: 1, tmStops: 1, lines: 4000, produceMs: 30_000, testTimeoutMs: 150_000 };

interface PlannedFault {
  readonly kind: FaultKind;
  readonly atMs: number;
  /** tm-kill: how long the TaskManager stays down; tm-stop: how long it stays stopped. */
  readonly pauseMs: number;
  /** Which TaskManager (modulo those eligible then). */
  readonly pick: number;
}

/** The round's faults in a seeded order, at seeded moments within the first 90 % of the input. */
function planFaults(random: SeededRandom, shape: RoundShape): PlannedFault[] {
  const kinds: FaultKind[] = [
    ...Array<FaultKind>(shape.tmKills).fill('tm-kill'),
    ...Array<FaultKind>(shape.jmKills).fill('jm-kill'),
    ...Array<FaultKind>(shape.tmStops).fill('tm-stop'),
  ];
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
  }
  const times = kinds.map(() => Math.floor(shape.produceMs * (0.1 + 0.8 * random.next()))).sort((a, b) => a - b);
  return kinds.map((kind, i) => ({
    kind,
    atMs: times[i],
    pauseMs: kind === 'tm-stop' ? Math.max(HEARTBEAT_TIMEOUT_MS, TM_LEASE_TTL_S * 1000) + 1000 + random.nextInt(2000) : 300 + random.nextInt(1700),
    pick: random.nextInt(1000),
  }));
}

interface Role {
  readonly name: string;
  readonly child: ChildProcess;
  stderr: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

function alive(r: Role): boolean {
  return r.child.exitCode === null && r.child.signalCode === null;
}

function killed(r: Role): Promise<void> {
  if (!alive(r)) return Promise.resolve();
  const exited = new Promise<void>((resolve) => r.child.once('exit', () => resolve()));
  r.child.kill('SIGKILL');
  return exited;
}

async function eventually(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe(`brook cluster chaos (seed ${SEED}, ${SHAPE.tmKills} TaskManager kills, ${SHAPE.jmKills} JobManager kills, ${SHAPE.tmStops} SIGSTOP)`, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-cluster-chaos-'));
  const jobFile = path.join(work, 'ipCountExactlyOnce.js');
  const checkpoints = path.join(work, 'checkpoints');
  const roles: Role[] = [];
  const stopped = new Set<ChildProcess>();
  let etcd: EtcdCluster | undefined;
  let redis: RedisServer | undefined;
  let ha = '';
  let keepWork = false;

  const start = (name: string, args: string[]): Role => {
    const run = runScript(BROOK, args);
    const role: Role = { name, child: run.child, stderr: '' };
    run.child.stderr!.on('data', (d: Buffer) => (role.stderr += d.toString()));
    roles.push(role);
    return role;
  };
  const jobManager = (i: number): Role => start(`jm${i}`, ['jobmanager', '--port', '0', '--ha', ha, '--cluster-id', CLUSTER, '--lease-ttl', '2', ...HEARTBEAT]);
  const taskManager = (i: number): Role =>
    start(`tm${i}`, ['taskmanager', '--ha', ha, '--cluster-id', CLUSTER, '--slots', '2', '--lease-ttl', String(TM_LEASE_TTL_S), ...HEARTBEAT]);

  beforeAll(async () => {
    fs.writeFileSync(
      jobFile,
      `const { ipCountExactlyOnceJob } = require(${JSON.stringify(path.join(ROOT, 'dist', 'samples', 'ipcount-exactly-once', 'IpCountExactlyOnceJob.js'))});
exports.jobName = 'IpCount chaos';
exports.defineJob = (env, { args }) => ipCountExactlyOnceJob(env, JSON.parse(args[0]));
`,
    );
    [etcd, redis] = await Promise.all([EtcdCluster.start(3), RedisServer.start()]);
    ha = `etcd://${etcd.hosts.map((h) => h.replace(/^http:\/\//, '')).join(',')}`;
  }, 30_000);

  afterAll(async () => {
    for (const c of stopped) if (c.exitCode === null && c.signalCode === null) c.kill('SIGCONT');
    await Promise.all(roles.map(killed));
    await etcd?.stop();
    await redis?.stop();
    if (!keepWork) fs.rmSync(work, { recursive: true, force: true });
  }, 20_000);

  it(
    'the Redis sink holds exactly the fault-free counts',
    async () => {
      const random = new SeededRandom(SEED);
      const input = generateInput(random.derive(1), SHAPE.lines, 4);
      const reference = referenceCounts(input);
      const plan = planFaults(random.derive(2), SHAPE);
      const streamNames = input.streams.map((_, i) => `access-${i}`);
      const log = (line: string): void => void process.stdout.write(`[cluster chaos] ${line}\n`);

      const jms: Role[] = [jobManager(0), jobManager(1)];
      const tms: Role[] = [0, 1, 2].map(taskManager);
      const leads = (r: Role): boolean => alive(r) && /this JobManager leads/.test(r.stderr);
      await eventually(() => jms.some(leads), 'a leading JobManager', 20_000);
      await eventually(() => tms.every((t) => /TaskManager \d+ registered/.test(t.stderr)), 'three TaskManagers', 20_000);

      const params = {
        redis: redis!.url,
        sourceStreams: streamNames,
        sinkStream: 'ipcounts',
        checkpointDir: checkpoints,
        parallelism: 4,
        checkpointIntervalMs: 300,
        stopWhenIdleMs: STOP_WHEN_IDLE_MS,
        resumeFrom: undefined,
      };
      const client = start('client', ['run', '--ha', ha, '--cluster-id', CLUSTER, jobFile, '-p', '4', '--', JSON.stringify(params)]);
      await eventually(() => /job 'IpCount chaos' \((\w+)\) submitted/.test(client.stderr), 'the job to be submitted', 20_000);
      const jobId = /job 'IpCount chaos' \((\w+)\) submitted/.exec(client.stderr)![1];

      // Completed checkpoints as they appear, to tell how long the job took to make progress again after each fault.
      const completions: { at: number; checkpoint: string }[] = [];
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          const latest = findLatestCompletedCheckpoint(checkpoints, () => undefined);
          if (latest !== undefined && latest !== completions[completions.length - 1]?.checkpoint) completions.push({ at: Date.now(), checkpoint: latest });
          await sleep(100);
        }
      })();

      const started = Date.now();
      const producer = producePaced(redis!.url, streamNames, input, SHAPE.produceMs, started + SHAPE.produceMs + 60_000);
      producer.catch(() => undefined);
      const injected: { kind: FaultKind; at: number; what: string }[] = [];
      let tmCount = 3;
      let jmCount = 2;
      try {
        for (const fault of plan) {
          await sleep(started + fault.atMs - Date.now());
          // A TaskManager that exited on its own (it lost its JobManager for good) is started again.
          for (let i = 0; i < tms.length; i++) {
            if (!alive(tms[i])) {
              log(`${tms[i].name} exited on its own (${tms[i].child.exitCode ?? tms[i].child.signalCode}); starting another`);
              tms[i] = taskManager(tmCount++);
            }
          }
          const at = Date.now();
          switch (fault.kind) {
            case 'tm-kill': {
              const i = fault.pick % tms.length;
              const victim = tms[i];
              await killed(victim);
              await sleep(fault.pauseMs);
              tms[i] = taskManager(tmCount++);
              injected.push({ kind: fault.kind, at, what: `kill -9 ${victim.name}, down ${fault.pauseMs} ms` });
              break;
            }
            case 'jm-kill': {
              await eventually(() => jms.some(leads), 'a leading JobManager before the kill', 30_000);
              const i = jms.findIndex(leads);
              const victim = jms[i];
              await killed(victim);
              jms[i] = jobManager(jmCount++);
              await eventually(() => jms.some(leads), 'the standby to lead', 30_000);
              injected.push({ kind: fault.kind, at, what: `kill -9 ${victim.name} (leader), ${jms.find(leads)!.name} leads after ${Date.now() - at} ms` });
              break;
            }
            case 'tm-stop': {
              const victim = tms[fault.pick % tms.length];
              victim.child.kill('SIGSTOP');
              stopped.add(victim.child);
              await sleep(fault.pauseMs);
              victim.child.kill('SIGCONT');
              stopped.delete(victim.child);
              // Paused past its lease: once running again it learns the lease ended, and stops acting.
              await eventually(
                () => /TaskManager fenced out: its registration's lease \(TTL \d+ s\) ended/.test(victim.stderr),
                `${victim.name} to be fenced out`,
                10_000,
              );
              injected.push({
                kind: fault.kind,
                at,
                what: `SIGSTOP ${victim.name} for ${fault.pauseMs} ms, fenced out ${Date.now() - at - fault.pauseMs} ms after SIGCONT`,
              });
              break;
            }
          }
        }
        const produced = await producer;

        // The job ends on its own once its sources are idle; the client follows it unless its
        // JobManager was killed, then the leader that recovered the job reports its end.
        const finished = new RegExp(`recovered job ${jobId} (finished|failed|cancelled)`);
        await eventually(
          () =>
            (client.child.exitCode !== null && !/goes on under the next leader/.test(client.stderr)) || jms.concat(roles).some((r) => finished.test(r.stderr)),
          'the job to end',
          60_000,
        );
        const ended = Date.now() - started;
        const sink = await readSink(redis!.url);
        const differences = compareResults(reference, sink);

        const recoveries = injected.map((f) => {
          const next = completions.find((c) => c.at > f.at);
          return `${f.what}: next checkpoint completed ${next ? `${next.at - f.at} ms later` : 'never'}`;
        });
        log(
          `seed ${SEED}: ${produced} records (${totalLines(input)} planned), ${differences.compared} results compared, ` +
            `${sink.length} in the sink, job ended ${ended} ms after the input began, ${completions.length} checkpoints seen`,
        );
        for (const r of recoveries) log(r);
        const jobEnd = roles.map((r) => finished.exec(r.stderr)?.[0]).find((m) => m !== undefined) ?? client.stderr.trim().split('\n').pop();
        log(`job end: ${jobEnd}`);

        expect(injected.map((f) => f.kind).sort()).toEqual(plan.map((f) => f.kind).sort());
        expect(jobEnd).not.toMatch(/failed|cancelled/);
        expect(differences).toEqual({ compared: reference.size, lost: [], doubled: [], wrong: [], unexpected: [] });
      } catch (e) {
        keepWork = true;
        for (const r of roles)
          log(`--- ${r.name} (${alive(r) ? 'alive' : `exit ${r.child.exitCode ?? r.child.signalCode}`}):\n${r.stderr.split('\n').slice(-15).join('\n')}`);
        log(`work directory kept: ${work}`);
        throw e;
      } finally {
        watching = false;
        await watcher;
      }
    },
    SHAPE.testTimeoutMs,
  );
});

async function readSink(url: string): Promise<string[]> {
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 2000 } });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const entries = await client.xRange('ipcounts', '-', '+');
    return entries.map((e) => e.message.line ?? JSON.stringify(e.message));
  } finally {
    client.destroy();
  }
}
