import { spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { createClient } from 'redis';
import { SeededRandom } from '../../lib/util/SeededRandom';
import { RedisServer } from '../harness/RedisServer';

const MAIN = path.join(__dirname, '../../dist/samples/ipcount-exactly-once/main.js');
const IPS = ['192.168.1.1', '192.168.1.2', '192.168.1.3', '192.168.1.4', '10.0.0.7', '10.0.0.8', '172.16.4.2'];
const LINES = 20_000;
/**
 * A run whose chosen moment has not come this long after its first checkpoint began is killed
 * anyway (still a fault). Counted from that checkpoint, not from the start: on a loaded machine
 * starting the process and its TaskManager threads alone can take seconds, and a fallback that
 * fires before a run checkpoints leaves every moment tied to checkpoints unreached.
 */
const FAULT_FALLBACK_KILL_MS = 4000;
/** A run that has not begun a single checkpoint by then is killed anyway (still a fault). */
const FAULT_STARTUP_KILL_MS = 30_000;
/** How often the test looks at the checkpoint directory and the sink stream for its moment. */
const WATCH_EVERY_MS = 3;

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

/**
 * When the test kills a run with SIGKILL from outside, tied to progress it can observe: a
 * checkpoint of this run begun (its barrier is passing, state is being written), a checkpoint of
 * this run completed (its commits are due or under way), the sink stream grown by some entries
 * (in the middle of a commit), or simply some time after the start.
 */
type KillMoment =
  | { readonly kind: 'checkpointBegun'; readonly nth: number }
  | { readonly kind: 'checkpointCompleted'; readonly nth: number }
  | { readonly kind: 'sinkGrew'; readonly entries: number }
  | { readonly kind: 'afterMs'; readonly ms: number };

function describeMoment(m: KillMoment): string {
  switch (m.kind) {
    case 'checkpointBegun':
      return `when checkpoint ${m.nth} of the run began`;
    case 'checkpointCompleted':
      return `when checkpoint ${m.nth} of the run completed`;
    case 'sinkGrew':
      return `when the sink stream grew by ${m.entries} entries`;
    case 'afterMs':
      return `after ${m.ms} ms`;
  }
}

/** Checkpoint ids in the directory: begun (`chk-N.inprogress` or `chk-N`) and completed (`chk-N`). */
function checkpointIds(directory: string): { begun: Set<number>; completed: Set<number> } {
  const begun = new Set<number>();
  const completed = new Set<number>();
  for (const name of fs.existsSync(directory) ? fs.readdirSync(directory) : []) {
    const m = /^chk-(\d+)(\.inprogress)?$/.exec(name);
    if (!m) continue;
    begun.add(Number(m[1]));
    if (!m[2]) completed.add(Number(m[1]));
  }
  return { begun, completed };
}

interface Progress {
  readonly checkpointDir: string;
  readonly sinkLength: () => Promise<number>;
}

/** Resolves once `moment` came for a run started now (checkpoints and sink entries counted from now on). */
async function momentCame(moment: KillMoment, progress: Progress, stopped: () => boolean): Promise<boolean> {
  const before = checkpointIds(progress.checkpointDir);
  const sinkBefore = moment.kind === 'sinkGrew' ? await progress.sinkLength() : 0;
  const started = Date.now();
  // Only the latest checkpoints are retained: the ones of this run are collected as they show up.
  const begun = new Set<number>();
  const completed = new Set<number>();
  let firstCheckpointAt: number | undefined;
  while (!stopped()) {
    const now = checkpointIds(progress.checkpointDir);
    for (const id of now.begun) if (!before.begun.has(id)) begun.add(id);
    for (const id of now.completed) if (!before.completed.has(id)) completed.add(id);
    switch (moment.kind) {
      case 'checkpointBegun':
        if (begun.size >= moment.nth) return true;
        break;
      case 'checkpointCompleted':
        if (completed.size >= moment.nth) return true;
        break;
      case 'sinkGrew':
        if ((await progress.sinkLength()) - sinkBefore >= moment.entries) return true;
        break;
      case 'afterMs':
        if (Date.now() - started >= moment.ms) return true;
        break;
    }
    if (begun.size > 0) firstCheckpointAt ??= Date.now();
    if (firstCheckpointAt !== undefined ? Date.now() - firstCheckpointAt >= FAULT_FALLBACK_KILL_MS : Date.now() - started >= FAULT_STARTUP_KILL_MS)
      return false;
    await new Promise((r) => setTimeout(r, WATCH_EVERY_MS));
  }
  return false;
}

/** One run of the sample; killed with SIGKILL at `moment` if given (or after the fallback time). */
function runSample(args: string[], kill?: { moment: KillMoment; progress: Progress }): Promise<RunOutcome & { killedAtMoment: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let exited = false;
    let killedAtMoment = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    if (kill) {
      void momentCame(kill.moment, kill.progress, () => exited).then((came) => {
        if (exited) return;
        killedAtMoment = came;
        child.kill('SIGKILL');
      });
    }
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code, signal) => {
      exited = true;
      clearTimeout(watchdog);
      resolve({ code, signal, stderr, killedAtMoment });
    });
  });
}

/**
 * The nth moment to die, the kinds in turn (so that each comes up however few runs there are),
 * at a random point of its kind: while a checkpoint is written, between its completion and the
 * commits, in a commit, or any time.
 */
function nthMoment(n: number, random: SeededRandom): KillMoment {
  switch (n % 4) {
    case 0:
      return { kind: 'checkpointBegun', nth: 1 + Math.floor(random.next() * 4) };
    case 1:
      return { kind: 'checkpointCompleted', nth: 1 + Math.floor(random.next() * 4) };
    case 2:
      return { kind: 'sinkGrew', entries: 1 + Math.floor(random.next() * 40) };
    default:
      return { kind: 'afterMs', ms: 150 + Math.floor(random.next() * 1200) };
  }
}

/** Appends the log to the stream in batches over time, as a live service would (~15 s). */
async function produceSlowly(url: string, stream: string, file: string, batch: number, everyMs: number): Promise<number> {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
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
    '--redis',
    redis.url,
    '--source',
    'access',
    '--sink',
    'ipcounts',
    '--checkpoint-dir',
    path.join(dir, 'checkpoints'),
    '--parallelism',
    '2',
    '--checkpoint-interval',
    '100',
    ...extraArgs,
  ];

  it(`commits exactly one right count per (window, ip) however often the job is killed (${faultsWanted} faults)`, async () => {
    const random = new SeededRandom(Number(process.env.BROOK_CHAOS_SEED ?? 20260504));
    const log = path.join(dir, 'access.log');
    writeLog(log, random);
    const expected = expectedResults(log);
    let produced = false;
    const producer = produceSlowly(redis.url, 'access', log, 200, 150).finally(() => (produced = true));

    const sinkClient = createClient({ url: redis.url });
    sinkClient.on('error', () => undefined);
    await sinkClient.connect();
    const progress: Progress = { checkpointDir: path.join(dir, 'checkpoints'), sinkLength: () => sinkClient.xLen('ipcounts') };

    const faults: string[] = [];
    let killedAtMoments = 0;
    let finished: RunOutcome | undefined;
    try {
      for (let round = 0; round < 80 && !finished; round++) {
        // Runs are killed somewhere while the log is being written and until enough faults
        // happened; then one runs clean to the end. Only that last run may stop when idle, so
        // no earlier run can end cleanly before its moment came.
        const clean = produced && faults.length >= faultsWanted;
        const moment: KillMoment | undefined = clean
          ? undefined
          : !produced
            ? nthMoment(round, random)
            : { kind: 'afterMs', ms: 150 + Math.floor(random.next() * 450) };
        const what = moment ? `SIGKILL ${describeMoment(moment)}` : 'clean run';
        const runArgs = [...jobArgs(), ...(clean ? ['--stop-when-idle', '700'] : [])];
        const outcome = await runSample(runArgs, moment && { moment, progress });
        if (outcome.signal === 'SIGKILL') {
          faults.push(
            outcome.killedAtMoment ? what : `${what} (the moment did not come: killed ${FAULT_FALLBACK_KILL_MS} ms after its first checkpoint began)`,
          );
          if (outcome.killedAtMoment && moment?.kind !== 'afterMs') killedAtMoments++;
        } else if (outcome.code === 0 && clean) finished = outcome;
        else throw new Error(`run ${round} (${what}) exited ${outcome.code}: ${outcome.stderr}`);
      }
    } finally {
      sinkClient.destroy();
    }
    expect(await producer).toBe(LINES);
    expect(faults.length).toBeGreaterThanOrEqual(faultsWanted);
    // Kills tied to checkpoints and commits did happen, not only kills at random times.
    if (killedAtMoments === 0) throw new Error(`no run was killed at a checkpoint or commit moment: ${faults.join('; ')}`);
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
      JSON.stringify({ lines: LINES, results: committed.length, faultsInjected: faults.length, killedAtMoments, faults, lastRun: lastRun.trim() }, null, 2),
    );
  }, 240_000);

  it('ends at once with nothing new when started again after it finished', async () => {
    const before = await readSink(redis.url, 'ipcounts');
    expect(before.length).toBeGreaterThan(0);
    const outcome = await runSample([...jobArgs(), '--stop-when-idle', '300']);
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toMatch(/resuming from .*chk-\d+/);
    expect(outcome.stderr).toMatch(/finished; 0 lines read in this run/);
    expect(await readSink(redis.url, 'ipcounts')).toEqual(before);
  }, 60_000);
});
