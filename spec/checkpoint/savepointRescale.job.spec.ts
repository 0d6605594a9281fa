import fs from 'fs';
import os from 'os';
import path from 'path';
import { findLatestCompletedCheckpoint, METADATA_FILE } from '../../lib/runtime/checkpoint/CheckpointStorage';
import { CheckpointingMode } from '../../lib/runtime/checkpoint/CheckpointBarrier';
import { FailAfterRecords } from '../harness/FailAfterRecords';
import { FailNextPreCommit, PreCommitFailureSwitch } from '../harness/FailNextPreCommit';
import { JobHarness } from '../harness/JobHarness';
import { KeyCount, KeyedCounter } from '../harness/KeyedCounter';
import { TransactionalCollectSink } from '../harness/TransactionalCollectSink';
import { Time } from '../../lib/core/Time';
import { TumblingEventTimeWindows } from '../../lib/windowing/assigners/TumblingEventTimeWindows';
import { IpAndCount } from '../../samples/ipcount/IpCountJob';
import { formatHms, parseHms, splitLogLine } from '../../samples/ipcount/logFormat';
import { SEED_LOG, SEED_TABLE } from '../samples/seedLesson';

const KEYS = 16;
const RECORDS = 4000;

function defineJob(
  h: JobHarness,
  sink: TransactionalCollectSink<KeyCount>,
  options: { mode?: CheckpointingMode; storage?: string; failCounterAfter?: number; failPreCommit?: PreCommitFailureSwitch } = {},
): void {
  h.env.enableCheckpointing(100, options.mode ?? 'EXACTLY_ONCE');
  if (options.storage) h.env.getCheckpointConfig().setCheckpointStorage(options.storage).setNumRetainedCheckpoints(2);
  h.env.setRestartStrategy({ type: 'fixed-delay', attempts: 2, delayMs: 100 });
  const counted = h.env
    .fromGenerator((i) => `key-${i % KEYS}`, RECORDS, { recordsPerSecond: 8000 })
    .uid('generator')
    .keyBy((k) => k)
    .transform('Keyed Counter', () => new KeyedCounter(), { keyed: true })
    .uid('counter');
  const failAfter = options.failCounterAfter;
  (failAfter === undefined ? counted : counted.transform('Fail After Records', () => new FailAfterRecords<KeyCount>(failAfter, 0)).uid('fail-after-records'))
    .sinkTo(options.failPreCommit ? new FailNextPreCommit(sink, options.failPreCommit) : sink)
    .uid('sink');
}

function countsByKey(committed: readonly KeyCount[]): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  for (const c of committed) byKey.set(c.key, [...(byKey.get(c.key) ?? []), c.count]);
  for (const v of byKey.values()) v.sort((a, b) => a - b);
  return byKey;
}

function expectExactlyOnce(committed: readonly KeyCount[]): void {
  const byKey = countsByKey(committed);
  expect(byKey.size).toBe(KEYS);
  for (const counts of byKey.values()) expect(counts).toEqual(Array.from({ length: RECORDS / KEYS }, (_, i) => i + 1));
}

/** Waits for a promise whose work needs the manual clock (and real file I/O) to move. */
async function whileAdvancing<T>(h: JobHarness, p: Promise<T>): Promise<T> {
  let done = false;
  const guarded = p.finally(() => (done = true));
  guarded.catch(() => undefined);
  for (let i = 0; i < 2000 && !done; i++) {
    await h.advance(5);
    await new Promise((r) => setTimeout(r, 1));
  }
  return guarded;
}

describe('savepoints, rescaling and checkpoint directories', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-sp-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    [4, 2],
    [2, 4],
  ])('stop-with-savepoint at parallelism %i, resume at %i: every record counted exactly once', async (from, to) => {
    const sink = new TransactionalCollectSink<KeyCount>();
    const first = new JobHarness({ parallelism: from });
    let savepoint: string;
    try {
      defineJob(first, sink);
      await first.start();
      await first.advance(180);
      savepoint = await whileAdvancing(first, first.client!.stopWithSavepoint(path.join(dir, 'savepoints')));
      await whileAdvancing(first, first.client!.getJobExecutionResult());
      expect(first.client!.getJobStatus()).toBe('FINISHED');
    } finally {
      await first.close();
    }
    expect(fs.existsSync(path.join(savepoint, METADATA_FILE))).toBe(true);
    const before = sink.committed.length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(RECORDS);

    const second = new JobHarness({ parallelism: to });
    try {
      defineJob(second, sink);
      second.env.setSavepointRestoreSettings({ path: savepoint });
      await second.start();
      await second.result();
    } finally {
      await second.close();
    }
    // Key groups moved to other subtasks, generator splits were dealt out anew, pending
    // transactions committed once: the counts continue where the savepoint left them.
    expectExactlyOnce(sink.committed);
  });

  it.each([
    [4, 2],
    [2, 4],
  ])('the IpCount windows, stopped with a savepoint at parallelism %i and resumed at %i, give the seed table exactly', async (from, to) => {
    const lines = fs
      .readFileSync(SEED_LOG, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    const sink = new TransactionalCollectSink<string>();
    const define = (h: JobHarness): void => {
      h.env.enableCheckpointing(100);
      h.env
        .fromGenerator((i) => lines[i], lines.length, { recordsPerSecond: 400 })
        .setParallelism(1)
        .uid('lines')
        .map((line) => splitLogLine(line))
        .map((w): IpAndCount => ({ date: parseHms(w[0]), ip: w[1], count: 1 }))
        .assignAscendingTimestamps((r) => r.date.getTime())
        .keyBy('ip')
        .window(TumblingEventTimeWindows.of(Time.seconds(5)))
        .sum('count')
        .uid('window')
        .map((a) => `${formatHms(a.date)} ${a.ip} ${a.count}`)
        .sinkTo(sink)
        .uid('sink');
    };
    const first = new JobHarness({ parallelism: from });
    let savepoint: string;
    try {
      define(first);
      await first.start();
      await first.advance(300); // ~120 of 238 lines: windows are open, with partial counts
      savepoint = await whileAdvancing(first, first.client!.stopWithSavepoint(path.join(dir, 'savepoints')));
      await whileAdvancing(first, first.client!.getJobExecutionResult());
    } finally {
      await first.close();
    }
    // Stopped mid-way: some windows are still open (their partial counts are in the savepoint).
    expect(sink.committed.length).toBeLessThan(SEED_TABLE.length);
    const second = new JobHarness({ parallelism: to });
    try {
      define(second);
      second.env.setSavepointRestoreSettings({ path: savepoint });
      await second.start();
      await second.result();
    } finally {
      await second.close();
    }
    expect([...sink.committed].sort()).toEqual(SEED_TABLE.map((l) => l.slice(3)).sort());
  });

  it('a stop-with-savepoint declined by a subtask is aborted: the sources resume and the job goes on to count every record exactly once', async () => {
    const sink = new TransactionalCollectSink<KeyCount>();
    const h = new JobHarness({ parallelism: 2 });
    const failPreCommit: PreCommitFailureSwitch = { armed: false };
    try {
      defineJob(h, sink, { failPreCommit });
      await h.start();
      await h.advance(180);
      const committedBefore = sink.committed.length;
      // The savepoint's barriers pass (sources stop emitting), then a subtask declines it.
      failPreCommit.armed = true;
      await expect(whileAdvancing(h, h.client!.stopWithSavepoint(path.join(dir, 'savepoints')))).rejects.toThrow(/test failure in a pre-commit/);
      expect(failPreCommit.armed).toBe(false);
      expect(h.client!.getJobStatus()).toBe('RUNNING');
      // The sources emit again and later checkpoints commit what they emitted.
      const committedAtAbort = sink.committed.length;
      await h.advance(500);
      expect(sink.committed.length).toBeGreaterThan(committedAtAbort);
      const result = await h.result();
      expect(result.numRestarts).toBe(0);
      expect(committedAtAbort).toBeGreaterThanOrEqual(committedBefore);
    } finally {
      await h.close();
    }
    expectExactlyOnce(sink.committed);
  });

  it('keeps the last N completed checkpoints in the directory, never an in-progress one, and restores from the latest', async () => {
    const sink = new TransactionalCollectSink<KeyCount>();
    const storage = path.join(dir, 'checkpoints');
    const first = new JobHarness({ parallelism: 2 });
    try {
      defineJob(first, sink, { storage });
      await first.start();
      await whileAdvancing(first, new Promise((r) => setTimeout(r, 50)));
      await first.advance(300);
      await whileAdvancing(first, first.client!.triggerCheckpoint());
      await first.client!.cancel(); // as if the process died: the directory is all that is left
    } finally {
      await first.close();
    }
    const completed = fs.readdirSync(storage).filter((n) => /^chk-\d+$/.test(n));
    expect(completed).toHaveLength(2);
    for (const c of completed) expect(fs.existsSync(path.join(storage, c, METADATA_FILE))).toBe(true);
    const latest = findLatestCompletedCheckpoint(storage)!;
    // A checkpoint that was being written when the process died is not a candidate.
    const newest = Math.max(...completed.map((c) => Number(c.slice(4))));
    fs.mkdirSync(path.join(storage, `chk-${newest + 1}.inprogress`));
    fs.mkdirSync(path.join(storage, `chk-${newest + 2}`)); // no _metadata: incomplete
    const warnings: string[] = [];
    expect(findLatestCompletedCheckpoint(storage, (w) => warnings.push(w))).toBe(latest);
    expect(warnings).toEqual([
      expect.stringContaining(`checkpoint ${newest + 2} at ${path.join(storage, `chk-${newest + 2}`)} cannot be restored (it has no _metadata)`),
    ]);

    const second = new JobHarness({ parallelism: 2 });
    try {
      defineJob(second, sink, { storage });
      second.env.setSavepointRestoreSettings({ path: latest });
      await second.start();
      await second.result();
    } finally {
      await second.close();
    }
    expectExactlyOnce(sink.committed);
  });

  it('at least once: after a failure nothing is lost (records may count twice)', async () => {
    const sink = new TransactionalCollectSink<KeyCount>();
    const h = new JobHarness({ parallelism: 2 });
    try {
      defineJob(h, sink, { mode: 'AT_LEAST_ONCE', failCounterAfter: 900 });
      await h.start();
      const result = await h.result();
      expect(result.numRestarts).toBe(1);
    } finally {
      await h.close();
    }
    const byKey = countsByKey(sink.committed);
    expect(byKey.size).toBe(KEYS);
    for (const counts of byKey.values()) {
      // Every count from 1 to the number of records of the key was committed at least once.
      expect(new Set(counts)).toEqual(new Set(Array.from({ length: RECORDS / KEYS }, (_, i) => i + 1)));
    }
  });
});
