import fs from 'fs';
import path from 'path';
import { createClient } from 'redis';
import { SeededRandom } from '../../lib/util/SeededRandom';
import { generateInput, referenceCounts, totalLines } from './ChaosInput';
import { CheckpointDisk, DiskFullMethod } from './CheckpointDisk';
import { compareResults, differenceCount, ResultDifferences } from './compareResults';
import { corruptNewestCheckpoint } from './corruptNewestCheckpoint';
import { DurableRedis } from './DurableRedis';
import { FAULT_KINDS, FaultKind, PlannedFault, planFaults } from './FaultPlan';
import { ipCountExactlyOnceMain, JobExit, JobProcess, lastLine, USAGE_EXIT_CODE } from './JobProcess';
import { JobSupervisor } from './JobSupervisor';
import { producePaced } from './PacedProducer';

const PARALLELISM = 4;
const SINK_STREAM = 'ipcounts';
const CHECKPOINT_INTERVAL_MS = 200;
/** The final run ends once its sources saw nothing new for this long. */
const STOP_WHEN_IDLE_MS = 1500;
const FINAL_RUN_ATTEMPTS = 5;
const FINAL_RUN_LIFETIME_MS = 90_000;
const CANCEL_GRACE_MS = 10_000;
const MAX_OWN_EXITS = 60;
/** With checkpoint corruption on, older checkpoints are kept for the job to fall back to. */
const RETAINED_WITH_CORRUPTION = 3;

export interface RoundSettings {
  readonly seed: number;
  /** 1-based. */
  readonly round: number;
  readonly kinds: readonly FaultKind[];
  /** Faults drawn per round. */
  readonly faults: number;
  readonly lines: number;
  /** Source streams: one per source subtask, so each is read in order. */
  readonly streams: number;
  /** 1: the job on one thread; more: `--task-managers N` of the sample. */
  readonly taskManagers: number;
  /** How long the input takes to be produced; faults fall in this span. */
  readonly produceMs: number;
  /** Where the round keeps its Redis data and checkpoints (removed after a round that passed). */
  readonly workDirectory: string;
}

export interface RoundReport {
  readonly round: number;
  readonly seed: number;
  readonly taskManagers: number;
  /** Faults injected, by kind. */
  readonly injected: Readonly<Record<FaultKind, number>>;
  /** Planned faults that could not be injected, and why. */
  readonly notInjected: readonly string[];
  /** What each corruption changed: file and offsets. */
  readonly corruptions: readonly string[];
  readonly diskFullMethod: DiskFullMethod | undefined;
  /** Runs of the job, final ones included. */
  readonly runs: number;
  /** Runs that ended on their own (not killed by the runner): how. */
  readonly ownExits: readonly string[];
  /**
   * How the last run before the final one ended when cancelled (SIGTERM) once the input was
   * complete: `exit 130` is a clean cancel; `SIGTERM` means it died of the signal, having not yet
   * installed its handler (as good as a kill).
   */
  readonly handover: string | undefined;
  readonly records: number;
  readonly differences: ResultDifferences;
  /** Why the round could not finish cleanly (the final run failed, the job kept failing, …). */
  readonly failure: string | undefined;
  readonly durationMs: number;
  /** Kept for inspection when the round failed. */
  readonly workDirectory: string;
}

export function roundPassed(r: RoundReport): boolean {
  return r.failure === undefined && differenceCount(r.differences) === 0;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * One chaos round: produces a seeded input into a real Redis over `produceMs` while the
 * exactly-once IpCount sample runs at parallelism 4 and seeded faults hit it, then lets a last
 * run finish (`--stop-when-idle`) and compares the sink stream with the reference counts.
 */
export async function runRound(s: RoundSettings): Promise<RoundReport> {
  const started = Date.now();
  const random = new SeededRandom(s.seed).derive(s.round);
  const input = generateInput(random.derive(1), s.lines, s.streams);
  const reference = referenceCounts(input);
  const plan = planFaults(random.derive(2), s.kinds, s.faults, s.produceMs);
  const corruptionRandom = random.derive(3);
  const dir = path.join(s.workDirectory, `round-${s.round}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });

  const injected = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  const notInjected: string[] = [];
  const corruptions: string[] = [];
  const corrupted = new Set<string>();
  const ownExits: string[] = [];
  let failure: string | undefined;
  let handover: string | undefined;
  let runs = 0;
  let committed: string[] = [];

  const main = ipCountExactlyOnceMain();
  const disk = CheckpointDisk.create(path.join(dir, 'disk'), s.kinds.includes('disk-full'));
  let redis: DurableRedis;
  try {
    redis = await DurableRedis.start(path.join(dir, 'redis'));
  } catch (e) {
    disk.dispose();
    throw e;
  }
  const streamNames = input.streams.map((_, i) => `access-${i}`);
  const args = (final: boolean): string[] => [
    '--redis',
    redis.url,
    '--source',
    streamNames.join(','),
    '--sink',
    SINK_STREAM,
    '--checkpoint-dir',
    disk.checkpointDirectory,
    '--parallelism',
    String(PARALLELISM),
    '--checkpoint-interval',
    String(CHECKPOINT_INTERVAL_MS),
    ...(s.taskManagers > 1 ? ['--task-managers', String(s.taskManagers)] : []),
    ...(s.kinds.includes('corrupt-checkpoint') ? ['--retained-checkpoints', String(RETAINED_WITH_CORRUPTION)] : []),
    ...(final ? ['--stop-when-idle', String(STOP_WHEN_IDLE_MS)] : []),
  ];
  // Until the input is complete, runs have no --stop-when-idle: a run must not finish (firing
  // every window) while lines are still to come.
  const supervisor = new JobSupervisor(() => new JobProcess(main, args(false), s.produceMs + 120_000), MAX_OWN_EXITS);
  try {
    const producer = producePaced(redis.url, streamNames, input, s.produceMs, started + s.produceMs + 120_000);
    producer.catch(() => undefined);
    supervisor.resume();
    for (const fault of plan) {
      await sleep(started + fault.atMs - Date.now());
      if (supervisor.gaveUp) break;
      await inject(fault);
    }
    await producer;
    if (supervisor.gaveUp) throw supervisor.gaveUp;
    const cancelled = await supervisor.cancelAndHold(CANCEL_GRACE_MS);
    handover = cancelled && `${describe(cancelled)} after ${cancelled.livedMs} ms`;
    failure = await finalRun();
  } catch (e) {
    failure = (e as Error).message;
  } finally {
    await supervisor.killAndHold();
    runs += supervisor.runs;
    ownExits.unshift(...supervisor.ownExits);
    disk.release();
    try {
      if (!redis.running) await redis.restart();
      committed = await readSink(redis.url);
    } catch (e) {
      failure ??= `cannot read the sink stream: ${(e as Error).message}`;
    }
    await redis.stop();
    if (failure !== undefined || differenceCount(compareResults(reference, committed)) > 0) keepCheckpoints();
    disk.dispose();
  }
  const differences = compareResults(reference, committed);
  const report: RoundReport = {
    round: s.round,
    seed: s.seed,
    taskManagers: s.taskManagers,
    injected,
    notInjected,
    corruptions,
    diskFullMethod: s.kinds.includes('disk-full') ? disk.method : undefined,
    runs,
    ownExits,
    handover,
    records: totalLines(input),
    differences,
    failure,
    durationMs: Date.now() - started,
    workDirectory: dir,
  };
  if (roundPassed(report)) fs.rmSync(dir, { recursive: true, force: true });
  return report;

  /** A tmpfs goes with its mount: a failed round's checkpoints are copied out first. */
  function keepCheckpoints(): void {
    if (disk.method !== 'tmpfs') return;
    try {
      fs.cpSync(disk.checkpointDirectory, path.join(dir, 'checkpoints'), { recursive: true });
    } catch (e) {
      failure = `${failure ?? 'the results differ'}; could not keep the checkpoints: ${(e as Error).message}`;
    }
  }

  async function inject(fault: PlannedFault): Promise<void> {
    switch (fault.kind) {
      case 'job-kill':
        await supervisor.killAndHold();
        supervisor.resume();
        break;
      case 'redis-kill':
        await redis.kill();
        await sleep(fault.downMs);
        await redis.restart();
        break;
      case 'disk-full':
        disk.fill();
        await sleep(fault.fullMs);
        disk.release();
        break;
      case 'corrupt-checkpoint': {
        await supervisor.killAndHold();
        const outcome = corruptNewestCheckpoint(disk.checkpointDirectory, fault.target, fault.flips, corruptionRandom.derive(fault.salt), corrupted);
        supervisor.resume();
        if (!outcome.done) {
          notInjected.push(`corrupt-checkpoint at ${fault.atMs} ms: ${outcome.reason} (counted as a job-kill: the job was killed)`);
          injected['job-kill']++;
          return;
        }
        corruptions.push(`at ${fault.atMs} ms: ${path.relative(disk.checkpointDirectory, outcome.file)}, byte(s) ${outcome.offsets.join(', ')} flipped`);
        break;
      }
    }
    injected[fault.kind]++;
  }

  /** Runs the job to its end with --stop-when-idle; a failed run is started again, a few times. */
  async function finalRun(): Promise<string | undefined> {
    let last: JobExit | undefined;
    for (let attempt = 0; attempt < FINAL_RUN_ATTEMPTS; attempt++) {
      runs++;
      last = await new JobProcess(main, args(true), FINAL_RUN_LIFETIME_MS).exited;
      if (last.code === 0) return undefined;
      ownExits.push(`final run: ${describe(last)}`);
      if (last.code === USAGE_EXIT_CODE) break;
      await sleep(250);
    }
    return `the final run did not finish (${ownExits.filter((e) => e.startsWith('final run')).length} attempts); last ${describe(last!)}\n${last!.stderr.trim()}`;
  }
}

function describe(exit: JobExit): string {
  const why = exit.code === USAGE_EXIT_CODE ? firstLine(exit.stderr) : lastLine(exit.stderr);
  return `${exit.signal ?? `exit ${exit.code}`}${why ? `: ${why}` : ''}`;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

async function readSink(url: string): Promise<string[]> {
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 2000 } });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const entries = await client.xRange(SINK_STREAM, '-', '+');
    return entries.map((e) => e.message.line ?? JSON.stringify(e.message));
  } finally {
    client.destroy();
  }
}
