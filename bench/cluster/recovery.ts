import fs from 'fs';
import path from 'path';
import { CheckpointDetails } from '../../lib/rest/RestTypes';
import { BrookProcess, LocalCluster, startBrook } from './ClusterProcesses';
import { JobRest, pollUntil, runningJob, sleep } from './rest';

export const KEYED_JOB = path.join(__dirname, 'jobs/keyedCounts.js');

export interface RecoverySettings {
  readonly keys: number;
  readonly kills: number;
  /** Records per second of the job's wall-clock source. */
  readonly rate: number;
  readonly checkpointIntervalMs: number;
  readonly workDir: string;
  /** Seeds the pause before each kill (0-1 s after a checkpoint completed). */
  readonly seed: number;
}

/** The phases of one recovery, in ms, each from the end of the one before. */
export interface RecoverySample {
  /** kill -9 to the failure the job records (GET /jobs/:id/exceptions, its timestamp). */
  readonly detectionMs: number;
  /** The failure to the restore of the latest checkpoint being started (latest.restored.restore_timestamp of /checkpoints): restart, slots. */
  readonly redeployMs: number;
  /** The restore started to every subtask of the new attempt RUNNING again (state loaded). */
  readonly restoreMs: number;
  /** Running again to every sink subtask having taken a record due at the kill or later: the backlog since the checkpoint and the downtime replayed. */
  readonly catchUpMs: number;
  readonly totalMs: number;
  /**
   * The longest a GET /jobs/:id (sampled during the recovery) took: it asks the live TaskManagers
   * for metrics, and must never wait for the lost one (the JobManager's query timeout is 5 s).
   */
  readonly slowestRestMs: number;
}

export interface CheckpointSample {
  readonly durationMs: number;
  readonly alignmentMs: number;
  readonly stateBytes: number;
}

/** A random sequence from a seed (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Keyed-counts job arguments. */
export function keyedJobArgs(
  s: Pick<RecoverySettings, 'keys' | 'rate' | 'checkpointIntervalMs'>,
  start: number,
  checkpoints: string,
  progress: string,
): string[] {
  return [
    '--progress',
    progress,
    '--keys',
    String(s.keys),
    '--rate',
    String(s.rate),
    '--start',
    String(start),
    '--checkpoints',
    checkpoints,
    '--interval',
    String(s.checkpointIntervalMs),
  ];
}

/**
 * When every sink subtask of an attempt started after `startedAfter` has taken a record due at
 * or after `dueAt` (the job's progress files), else undefined.
 */
export function caughtUp(progressDir: string, parallelism: number, startedAfter: number, dueAt: number): boolean {
  for (let i = 0; i < parallelism; i++) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(progressDir, `subtask-${i}`), 'utf8');
    } catch {
      return false;
    }
    const [createdAt, highest] = text.split(' ').map(Number);
    if (!(createdAt > startedAfter && highest >= dueAt)) return false;
  }
  return true;
}

/** Waits until a checkpoint newer than `afterId` completed; returns its id. */
export async function nextCheckpoint(rest: JobRest, afterId: number, timeoutMs: number): Promise<number> {
  return pollUntil(
    `a checkpoint after ${afterId}`,
    async () => {
      const id = (await rest.checkpoints()).latest.completed?.id ?? 0;
      return id > afterId ? id : undefined;
    },
    timeoutMs,
    100,
  );
}

export function checkpointSample(c: CheckpointDetails): CheckpointSample {
  return { durationMs: c.end_to_end_duration, alignmentMs: c.max_alignment_duration, stateBytes: c.state_size };
}

/**
 * Measures, on a JobManager and 3 TaskManager processes of one slot (the job at parallelism 2
 * uses two), what a kill -9 of a TaskManager that runs subtasks costs, `kills` times: a
 * TaskManager is started in place of each one killed once the job caught up, and the next kill
 * comes 0-1 s after the next completed checkpoint.
 */
export async function measureRecovery(
  s: RecoverySettings,
  log: (line: string) => void,
): Promise<{ samples: RecoverySample[]; checkpoints: CheckpointSample[] }> {
  const random = seeded(s.seed);
  const cluster = await LocalCluster.start({ taskManagers: 3, slots: 1 });
  let client: BrookProcess | undefined;
  const samples: RecoverySample[] = [];
  const checkpoints = new Map<number, CheckpointSample>();
  try {
    const dir = fs.mkdtempSync(path.join(s.workDir, `recovery-${s.keys}-`));
    const start = Date.now();
    const progress = fs.mkdtempSync(path.join(s.workDir, `progress-${s.keys}-`));
    client = startBrook('brook run', ['run', '--jobmanager', cluster.address, KEYED_JOB, '-p', '2', '--', ...keyedJobArgs(s, start, dir, progress)]);
    const rest = new JobRest(cluster.restUrl, await runningJob(cluster.restUrl));
    // Every key has state before the first kill: the source has reached record `keys`, and a checkpoint holds it.
    await sleep(Math.max(0, start + (s.keys / s.rate) * 1000 - Date.now()));
    await nextCheckpoint(rest, await nextCheckpoint(rest, 0, 120_000), 120_000);
    for (let k = 0; k < s.kills; k++) {
      await sleep(random() * 1000);
      const used = await rest.taskManagersInUse();
      const victims = cluster.taskManagers.filter((t) => t.alive && used.has(cluster.idOf(t) ?? ''));
      const victim = victims[Math.floor(random() * victims.length)];
      if (!victim) throw new Error(`no live TaskManager runs a subtask (in use: ${[...used].join(', ')})`);
      for (const c of (await rest.checkpoints()).history) checkpoints.set(c.id, checkpointSample(c));
      const killedAt = Date.now();
      await victim.kill('SIGKILL');
      rest.slowestDetailsMs = 0;
      const details = pollUntil('GET /jobs/:id', async () => ((await rest.details()).watermark >= killedAt ? true : undefined), 300_000).catch(() => undefined);
      // GET /jobs/overview, sampled from the kill on: it answers from the JobManager's own view,
      // without asking any TaskManager.
      const overview: Array<{ readonly at: number; readonly running: boolean }> = [];
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const running = await rest.allRunning().catch(() => false);
          overview.push({ at: Date.now(), running });
          await sleep(20);
        }
      })();
      try {
        const failedAt = await pollUntil(
          'the failure',
          async () => (await rest.exceptions()).exceptionHistory.entries.find((e) => e.timestamp >= killedAt)?.timestamp,
          60_000,
        );
        const restoredAt = await pollUntil(
          'the restore',
          async () => {
            const r = (await rest.checkpoints()).latest.restored;
            return r && r.restore_timestamp >= failedAt ? r.restore_timestamp : undefined;
          },
          120_000,
        );
        // Every subtask RUNNING after the restore started: the new attempt's.
        const runningAt = await pollUntil('every subtask running', async () => overview.find((o) => o.at > restoredAt && o.running)?.at, 120_000);
        // Caught up: every sink subtask of the new attempt took a record due at the kill or later.
        const caughtUpAt = await pollUntil('the job to catch up', async () => (caughtUp(progress, 2, restoredAt, killedAt) ? Date.now() : undefined), 300_000);
        await details;
        const sample: RecoverySample = {
          detectionMs: failedAt - killedAt,
          redeployMs: restoredAt - failedAt,
          restoreMs: runningAt - restoredAt,
          catchUpMs: caughtUpAt - runningAt,
          totalMs: caughtUpAt - killedAt,
          slowestRestMs: rest.slowestDetailsMs,
        };
        samples.push(sample);
        log(
          `  ${s.keys} keys, kill ${k + 1}/${s.kills}: detection ${sample.detectionMs} ms, redeploy ${sample.redeployMs} ms, restore ${sample.restoreMs} ms, catch-up ${sample.catchUpMs} ms (slowest GET /jobs/:id ${sample.slowestRestMs} ms)`,
        );
      } finally {
        sampling = false;
        await sampler;
      }
      await cluster.addTaskManager();
      await nextCheckpoint(rest, (await rest.checkpoints()).latest.completed?.id ?? 0, 120_000);
    }
    for (const c of (await rest.checkpoints()).history) checkpoints.set(c.id, checkpointSample(c));
    return { samples, checkpoints: [...checkpoints.values()] };
  } finally {
    await client?.stop(2000);
    await cluster.stop();
  }
}
