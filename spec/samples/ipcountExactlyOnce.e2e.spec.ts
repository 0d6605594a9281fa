import { spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { createClient } from 'redis';
import { FaultSpec } from '../../lib/runtime/FaultInjector';
import { SeededRandom } from '../../lib/util/SeededRandom';
import { RedisServer } from '../harness/RedisServer';

const MAIN = path.join(__dirname, '../../dist/samples/ipcount-exactly-once/main.js');
const IPS = ['192.168.1.1', '192.168.1.2', '192.168.1.3', '192.168.1.4', '10.0.0.7', '10.0.0.8', '172.16.4.2'];
const LINES = 20_000;
const WINDOW_TASK = 'Window';
const MAP_TASK = 'Map -> Map -> Timestamps/Watermarks';
/** A run whose injected fault has not fired by then is killed from outside (still a fault). */
const FAULT_FALLBACK_KILL_MS = 4000;

/** A synthetic access log in time order: LINES lines over ~17 minutes of event time. */
function writeLog(file: string, random: SeededRandom): void {
  const lines: string[] = [];
  let t = Date.UTC(1970, 0, 1, 9, 0, 0);
  for (let i = 0; i < LINES; i++) {
    t += Math.floor(random.next() * 100);
    lines.push(`${new Date(t).toISOString().slice(11, 19)} ${IPS[Math.floor(random.next() * IPS.length)]}`);
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

/** `HH:mm:ss` → the start of its 5 s window, as `HH:mm:ss`. */
function windowStart(hms: string): string {
  const [h, m, s] = hms.split(':').map(Number);
  const t = Date.UTC(1970, 0, 1, h, m, s);
  return new Date(t - (t % 5000)).toISOString().slice(11, 19);
}

/**
 * A committed line `HH:mm:ss ip count` as `window ip count`: the printed time is the first
 * record's of the window (Flink's sum keeps the first element's fields), and which record comes
 * first over two input channels is not deterministic, even without faults.
 */
function byWindow(line: string): string {
  const [hms, ip, count] = line.split(' ');
  return `${windowStart(hms)} ${ip} ${count}`;
}

/** What a correct run commits: one count per (5 s window, ip). */
function expectedResults(file: string): string[] {
  const counts = new Map<string, number>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const [hms, ip] = line.split(' ');
    const start = windowStart(hms);
    counts.set(`${start} ${ip}`, (counts.get(`${start} ${ip}`) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k} ${n}`).sort();
}

interface RunOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** One run of the sample; killed with SIGKILL after `killAfterMs` if given. */
function runSample(args: string[], killAfterMs: number | undefined): Promise<RunOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'ignore', 'pipe']});
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      clearTimeout(watchdog);
      resolve({ code, signal, stderr });
    });
  });
}

/** A random way to die: inside a task, between a barrier and the commit, in a commit, or from outside. */
function randomFault(random: SeededRandom): { fault: FaultSpec | undefined; killAfterMs: number | undefined; what: string } {
  const pick = Math.floor(random.next() * 5);
  const subtask = Math.floor(random.next() * 2);
  switch (pick) {
    case 0: {
      const n = 100 + Math.floor(random.next() * 3000);
      return { fault: { task: MAP_TASK, subtask, trigger: { afterRecords: n }, action: 'killProcess' }, killAfterMs: undefined, what: `map task after ${n} records` };
    }
    case 1: {
      const n = 1 + Math.floor(random.next() * 4);
      return { fault: { task: WINDOW_TASK, subtask, trigger: { afterCheckpoint: n }, action: 'killProcess' }, killAfterMs: undefined, what: `sink between barrier ${n} and its commit` };
    }
    case 2: {
      const n = 1 + Math.floor(random.next() * 4);
      const phase = random.next() < 0.5 ? 'before' : 'after';
      return { fault: { task: WINDOW_TASK, subtask, trigger: { inCommit: n, phase }, action: 'killProcess' }, killAfterMs: undefined, what: `sink ${phase} commit ${n}` };
    }
    case 3: {
      const n = 50 + Math.floor(random.next() * 2000);
      return { fault: { task: WINDOW_TASK, subtask, trigger: { afterRecords: n }, action: 'killProcess' }, killAfterMs: undefined, what: `window task after ${n} records` };
    }
    default: {
      const ms = 150 + Math.floor(random.next() * 1200);
      return { fault: undefined, killAfterMs: ms, what: `SIGKILL from outside after ${ms} ms` };
    }
  }
}

/** Appends the log to the stream in batches over time, as a live service would (~15 s). */
async function produceSlowly(url: string, stream: string, file: string, batch: number, everyMs: number): Promise<number> {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  try {
    for (let i = 0; i < lines.length; i += batch) {
      const multi = client.multi();
      for (const line of lines.slice(i, i + batch)) multi.xAdd(stream, '*', { line });
      await multi.exec();
      await new Promise((r) => setTimeout(r, everyMs));
    }
  } finally {
    client.destroy();
  }
  return lines.length;
}

async function readSink(url: string, stream: string): Promise<string[]> {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const entries = await client.xRange(stream, '-', '+');
    return entries.map((e) => e.message.line);
  } finally {
    client.destroy();
  }
}

/**
 * Where the job runs: on one TaskManager in the process, or on TaskManagers that are worker
 * threads (a fault in a task still kills the whole process). Fewer faults on threads: each run
 * starts threads, and the faults are the same kinds.
 */
const VARIANTS = [
  { where: 'on one TaskManager', extraArgs: [] as string[], faults: 12 },
  { where: 'on 2 TaskManager threads', extraArgs: ['--task-managers', '2'], faults: 6 },
];

describe.each(VARIANTS)('samples/ipcount-exactly-once against a real redis-server, $where', ({ extraArgs, faults: faultsWanted }) => {
  let redis: RedisServer;
  let dir: string;

  beforeAll(async () => {
    redis = await RedisServer.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-eo-'));
  });

  afterAll(async () => {
    await redis?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const jobArgs = (): string[] => [
    '--redis', redis.url, '--source', 'access', '--sink', 'ipcounts', '--checkpoint-dir', path.join(dir, 'checkpoints'),
    '--parallelism', '2', '--checkpoint-interval', '100', ...extraArgs,
  ];

  it(`commits exactly one right count per (window, ip) however often the job is killed (${faultsWanted} faults)`, async () => {
    const random = new SeededRandom(Number(process.env.BROOK_CHAOS_SEED ?? 20260504));
    const log = path.join(dir, 'access.log');
    writeLog(log, random);
    const expected = expectedResults(log);
    let produced = false;
    const producer = produceSlowly(redis.url, 'access', log, 200, 150).finally(() => (produced = true));

    const faults: string[] = [];
    let finished: RunOutcome | undefined;
    for (let round = 0; round < 80 && !finished; round++) {
      // Runs die somewhere while the log is being written and until enough faults happened;
      // then one runs clean to the end. Only that last run may stop when idle, so no earlier run
      // can end cleanly when its fault happens not to fire: it is killed from outside instead.
      const clean = produced && faults.length >= faultsWanted;
      const f = clean
        ? { fault: undefined, killAfterMs: undefined, what: 'clean run' }
        : !produced
          ? randomFault(random)
          : { fault: undefined, killAfterMs: 150 + Math.floor(random.next() * 450), what: 'SIGKILL from outside after the log was written' };
      const runArgs = [...jobArgs(), ...(clean ? ['--stop-when-idle', '700'] : []), ...(f.fault ? ['--fault', JSON.stringify(f.fault)] : [])];
      const outcome = await runSample(runArgs, clean ? undefined : (f.killAfterMs ?? FAULT_FALLBACK_KILL_MS));
      if (outcome.signal === 'SIGKILL') faults.push(f.what);
      else if (outcome.code === 0 && clean) finished = outcome;
      else throw new Error(`run ${round} (${f.what}) exited ${outcome.code}: ${outcome.stderr}`);
    }
    expect(await producer).toBe(LINES);
    expect(faults.length).toBeGreaterThanOrEqual(faultsWanted);
    // The clean run resumed from a checkpoint the killed runs left, read only what they had not
    // committed, and checkpointed until it ended.
    const lastRun = finished?.stderr ?? 'no clean run finished within 80 rounds';
    expect(lastRun).toMatch(/resuming from .*chk-\d+/);
    const read = /finished; (\d+) lines read in this run, 0 malformed skipped, (\d+) checkpoints completed/.exec(lastRun);
    expect(read).not.toBeNull();
    expect(Number(read![1])).toBeLessThan(LINES);
    expect(Number(read![2])).toBeGreaterThan(0);

    const committed = (await readSink(redis.url, 'ipcounts')).map(byWindow).sort();
    // Identical to the fault-free result: no window missing, none twice, every count right.
    expect(committed).toEqual(expected);
    fs.mkdirSync(path.join(__dirname, '../artifacts'), { recursive: true });
    fs.writeFileSync(
      path.join(__dirname, `../artifacts/ipcount-exactly-once-faults${extraArgs.length > 0 ? '-threads' : ''}.json`),
      JSON.stringify({ lines: LINES, results: committed.length, faultsInjected: faults.length, faults, lastRun: lastRun.trim() }, null, 2),
    );
  }, 240_000);

  it('ends at once with nothing new when started again after it finished', async () => {
    const before = await readSink(redis.url, 'ipcounts');
    expect(before.length).toBeGreaterThan(0);
    const outcome = await runSample([...jobArgs(), '--stop-when-idle', '300'], undefined);
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toMatch(/resuming from .*chk-\d+/);
    expect(outcome.stderr).toMatch(/finished; 0 lines read in this run/);
    expect(await readSink(redis.url, 'ipcounts')).toEqual(before);
  }, 60_000);
});
