import fs from 'fs';
import os from 'os';
import path from 'path';
import { JobExecutionResult } from '../../lib/api/JobExecutionResult';
import { findLatestCompletedCheckpoint, METADATA_FILE, readCheckpointDirectory } from '../../lib/runtime/checkpoint/CheckpointStorage';
import { JobHarness } from '../harness/JobHarness';
import { KeyCount, KeyedCounter } from '../harness/KeyedCounter';
import { ReplayableTestSource } from '../harness/ReplayableTestSource';
import { TransactionalCollectSink } from '../harness/TransactionalCollectSink';

/** Flips one byte in the middle of a file: its length stays, its checksum does not. */
function flipByte(file: string): void {
  const bytes = fs.readFileSync(file);
  bytes[bytes.length >> 1] ^= 0x5a;
  fs.writeFileSync(file, bytes);
}

/** What each subtask's log holds over the whole run: every key's committed counts must be 1..n. */
const LOG_BEFORE_CHECKPOINTS: ReadonlyArray<readonly string[]> = [
  ['a', 'b'],
  ['a', 'c'],
];
const LOG_INTO_NEWEST: ReadonlyArray<readonly string[]> = [['a'], ['b']];
const LOG_AFTER_NEWEST: ReadonlyArray<readonly string[]> = [['d'], ['boom']];
const LOG_AFTER_RESTART: ReadonlyArray<readonly string[]> = [['a', 'd'], ['c']];

/** Every key's running counts 1..n over all records: exactly-once output of the counter. */
function exactlyOnce(): KeyCount[] {
  const n = new Map<string, number>();
  for (const part of [LOG_BEFORE_CHECKPOINTS, LOG_INTO_NEWEST, LOG_AFTER_NEWEST, LOG_AFTER_RESTART])
    for (const log of part) for (const k of log) n.set(k, (n.get(k) ?? 0) + 1);
  return [...n].flatMap(([key, count]) => Array.from({ length: count }, (_, i) => ({ key, count: i + 1 }))).sort(byKeyAndCount);
}

function byKeyAndCount(p: KeyCount, q: KeyCount): number {
  return p.key.localeCompare(q.key) || p.count - q.count;
}

const WARNING = 'brook: warning: ';

/**
 * The job under test: a replayable log, a map that fails once on `boom` (when `failure` is
 * given), a keyed counter and a two-phase-commit sink, checkpointing every 100 ms.
 */
function defineJob(h: JobHarness, source: ReplayableTestSource<string>, sink: TransactionalCollectSink<KeyCount>, failure?: { failed: boolean }): void {
  h.env.enableCheckpointing(100);
  h.env
    .fromSource(source, undefined, 'Log')
    .uid('log')
    .map((v) => {
      if (failure && v === 'boom' && !failure.failed) {
        failure.failed = true;
        throw new Error('boom: the failover this test needs');
      }
      return v;
    })
    .keyBy((k) => k)
    .transform('Keyed Counter', () => new KeyedCounter(), { keyed: true })
    .uid('counter')
    .sinkTo(sink)
    .uid('sink');
}

/** Appends one part of the run's logs, subtask by subtask. */
function appendTo(source: ReplayableTestSource<string>): (part: ReadonlyArray<readonly string[]>) => void {
  return (part) => part.forEach((log, subtask) => source.append(subtask, ...log));
}

interface Run {
  readonly outcome: { result: JobExecutionResult } | { error: Error };
  readonly sink: TransactionalCollectSink<KeyCount>;
  readonly source: ReplayableTestSource<string>;
  readonly newest: number;
  readonly restored: number | undefined;
  readonly corrupted: string[];
  readonly warnings: string[];
}

describe('checkpoint replicas on a whole job: directory storage, a two-phase-commit sink, the newest checkpoint damaged', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-replicas-job-'))));
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Captures brook's warnings (stderr, `brook: warning: …`) into `warnings`. */
  function captureWarnings(): string[] {
    const warnings: string[] = [];
    const realWrite = process.stderr.write.bind(process.stderr) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = String(chunk);
      if (!text.startsWith(WARNING)) return realWrite(chunk, ...rest);
      warnings.push(text.slice(WARNING.length).trimEnd());
      return true;
    });
    return warnings;
  }

  /** Flips a byte in the first copy of every state file of the counter and sink subtasks; returns their names. */
  async function corruptCounterAndSinkPrimaries(chk: string): Promise<string[]> {
    const corrupted: string[] = [];
    for (const task of (await readCheckpointDirectory(chk, () => undefined)).tasks) {
      if (!task.operatorIds.includes('counter') && !task.operatorIds.includes('sink')) continue;
      for (const handle of task.subtasks) {
        if (handle?.kind !== 'file') continue;
        flipByte(path.join(chk, handle.file));
        corrupted.push(handle.file);
      }
    }
    expect(corrupted.length).toBe(2);
    return corrupted;
  }

  /**
   * Two checkpoints complete (the sink commits both), a record fails the job over, and while it
   * waits out the restart backoff the first copy of every state file of the counter and sink
   * subtasks in the newest checkpoint gets a flipped byte; then the job restarts and runs on.
   */
  async function failOverWithCorruptPrimaries(replicas: number): Promise<Run> {
    const warnings = captureWarnings();
    const h = new JobHarness({ parallelism: 2 });
    const source = new ReplayableTestSource<string>();
    const sink = new TransactionalCollectSink<KeyCount>();
    const storage = path.join(dir, 'checkpoints');
    const failure = { failed: false };
    try {
      defineJob(h, source, sink, failure);
      h.env.getCheckpointConfig().setCheckpointStorage(storage, { replicas });
      h.env.setRestartStrategy({ type: 'fixed-delay', attempts: 1, delayMs: 1000 });
      await h.start();
      const append = appendTo(source);
      append(LOG_BEFORE_CHECKPOINTS);
      await h.advance(150);
      append(LOG_INTO_NEWEST);
      await h.advance(100);
      const newest = (await h.client!.getCheckpointStats())!.latestCompleted!.checkpointId;
      expect(newest).toBeGreaterThanOrEqual(2);
      append(LOG_AFTER_NEWEST);
      await h.advance(10);
      expect(failure.failed).toBe(true);
      expect(h.client!.getJobStatus()).toBe('RESTARTING');
      // The newest checkpoint's output was committed: replaying from the one before would double it.
      expect(sink.committed.filter((c) => c.key === 'a').map((c) => c.count)).toEqual([1, 2, 3]);

      const corrupted = await corruptCounterAndSinkPrimaries(path.join(storage, `chk-${newest}`));

      append(LOG_AFTER_RESTART);
      source.end(0).end(1);
      let outcome: Run['outcome'];
      try {
        outcome = { result: await h.result() };
      } catch (e) {
        outcome = { error: e as Error };
      }
      const restored = (await h.client!.getCheckpointStats())?.latestRestored?.checkpointId;
      return { outcome, sink, source, newest, restored, corrupted, warnings };
    } finally {
      await h.close();
    }
  }

  it('a restart inside the running job restores the newest checkpoint exactly from the replicas, warning about each damaged copy: nothing lost, nothing committed twice', async () => {
    const run = await failOverWithCorruptPrimaries(2);

    if ('error' in run.outcome) throw run.outcome.error;
    expect(run.outcome.result.numRestarts).toBe(1);
    expect(run.restored).toBe(run.newest);
    expect([...run.sink.committed].sort(byKeyAndCount)).toEqual(exactlyOnce());
    expect(run.sink.numStaged).toBe(0);
    expect(run.warnings.sort()).toEqual(
      run.corrupted
        .sort()
        .map((file) =>
          expect.stringMatching(
            new RegExp(`^checkpoint ${run.newest}: state file .*chk-${run.newest}/${file} is corrupt: .*; reading its copy ${file}\\.replica-1 instead$`),
          ),
        ),
    );
  });

  it('with replicas 1 the same damage leaves no copy to read: the restart fails the job rather than restore wrong state', async () => {
    const run = await failOverWithCorruptPrimaries(1);

    expect('error' in run.outcome && run.outcome.error.message).toMatch(/cannot restore the job: state file .*chk-\d+\/.*\.state is corrupt/);
    expect(run.warnings).toEqual([]);
  });

  it('a job started from the directory after the newest checkpoint was damaged while no job ran takes that checkpoint, not the one before: nothing committed twice', async () => {
    const warnings = captureWarnings();
    const source = new ReplayableTestSource<string>();
    const sink = new TransactionalCollectSink<KeyCount>();
    const storage = path.join(dir, 'checkpoints');
    const append = appendTo(source);
    const first = new JobHarness({ parallelism: 2 });
    let newest: number;
    try {
      defineJob(first, source, sink);
      // Two retained: the one before the newest is there to fall back to.
      first.env.getCheckpointConfig().setCheckpointStorage(storage).setNumRetainedCheckpoints(2);
      await first.start();
      append(LOG_BEFORE_CHECKPOINTS);
      await first.advance(150);
      append(LOG_INTO_NEWEST);
      await first.advance(100);
      newest = (await first.client!.getCheckpointStats())!.latestCompleted!.checkpointId;
      append(LOG_AFTER_NEWEST);
      await first.settle();
      await first.client!.cancel(); // as if the process died: the directory is all that is left
    } finally {
      await first.close();
    }
    expect(sink.committed.filter((c) => c.key === 'a').map((c) => c.count)).toEqual([1, 2, 3]);
    const chk = path.join(storage, `chk-${newest}`);
    expect(fs.existsSync(path.join(storage, `chk-${newest - 1}`))).toBe(true);
    const corrupted = await corruptCounterAndSinkPrimaries(chk);
    flipByte(path.join(chk, METADATA_FILE));

    const latest = findLatestCompletedCheckpoint(storage, (w) => warnings.push(w));
    expect(latest).toBe(chk);
    expect(warnings).toEqual([]);
    const second = new JobHarness({ parallelism: 2 });
    try {
      defineJob(second, source, sink);
      second.env.getCheckpointConfig().setCheckpointStorage(storage);
      second.env.setSavepointRestoreSettings({ path: latest! });
      await second.start();
      append(LOG_AFTER_RESTART);
      source.end(0).end(1);
      await second.result();
      expect((await second.client!.getCheckpointStats())!.latestRestored!.checkpointId).toBe(newest);
    } finally {
      await second.close();
    }
    expect([...sink.committed].sort(byKeyAndCount)).toEqual(exactlyOnce());
    expect(sink.numStaged).toBe(0);
    expect(warnings.sort()).toEqual([
      expect.stringMatching(new RegExp(`^checkpoint ${newest}: .*chk-${newest}/_metadata .*; reading its copy _metadata\\.replica-1 instead$`)),
      ...corrupted
        .sort()
        .map((file) =>
          expect.stringMatching(
            new RegExp(`^checkpoint ${newest}: state file .*chk-${newest}/${file} is corrupt: .*; reading its copy ${file}\\.replica-1 instead$`),
          ),
        ),
    ]);
  });
});
