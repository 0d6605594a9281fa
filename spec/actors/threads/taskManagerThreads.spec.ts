import fs from 'fs';
import os from 'os';
import path from 'path';
import { executeOnTaskManagerThreads } from '../../../lib/api/executeOnTaskManagerThreads';
import { JobExecutionResult } from '../../../lib/api/JobExecutionResult';
import { StreamExecutionEnvironment } from '../../../lib/api/StreamExecutionEnvironment';
import { TextWriter } from '../../../lib/runtime/StreamOperator';
import { defineIpCountJob, defineJob as defineIpCountJobModule } from '../../../samples/ipcount/IpCountJob';
import { runBoundedJob } from '../../harness/JobHarness';
import { defineCheckpointedFailOnceJob, defineFailOnceJob } from './jobs/failoverJobs';
import { defineFailingJob, defineThreadDependentJob, defineWindowedCount } from './jobs/threadJobs';

const JOBS = path.join(__dirname, 'jobs', 'threadJobs.ts');
const FAILOVER_JOBS = path.join(__dirname, 'jobs', 'failoverJobs.ts');
const IPCOUNT = path.join(__dirname, '../../../samples/ipcount/IpCountJob.ts');
const SEED_LOG = path.join(__dirname, '../../../samples/ipcount/seed-access.log');

function capture(): { lines: string[]; writer: TextWriter } {
  const lines: string[] = [];
  return { lines, writer: { write: (s) => void lines.push(...s.split('\n').filter((l) => l !== '')) } };
}

describe('TaskManagers on worker threads', () => {
  it('print() of every TaskManager thread reaches stdout: the IpCount table, as on one TaskManager', async () => {
    const threads = capture();
    const params = { args: ['--file', SEED_LOG] };
    await executeOnTaskManagerThreads(defineIpCountJobModule, { module: IPCOUNT, params }, { numberOfTaskManagers: 2, parallelism: 4, stdout: threads.writer });
    const { stdout: oneTaskManager } = await runBoundedJob((env) => defineIpCountJob(env, { file: SEED_LOG }, 4), { parallelism: 4 });
    expect(threads.lines).toHaveLength(10);
    expect([...threads.lines].sort()).toEqual([...oneTaskManager].sort());
  });

  it('gives the same collected results on one TaskManager and on three threads', async () => {
    const params = { events: 20_000, parallelism: 3 };
    const { result, defined } = await executeOnTaskManagerThreads(defineWindowedCount, { module: JOBS, params }, { numberOfTaskManagers: 3 });
    const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 3 });
    const local = defineWindowedCount(env, params);
    await env.execute();
    expect(local.sink.values.length).toBe(13 * 200);
    expect([...defined.sink.values].sort()).toEqual([...local.sink.values].sort());
    // Each key's windows were computed by the subtask Flink's key groups give it, on any thread.
    const subtaskOf = (sink: typeof local.sink): Map<string, number> => new Map(sink.records.map((r) => [r.value.split(' ')[0], r.subtaskIndex]));
    expect(subtaskOf(defined.sink)).toEqual(subtaskOf(local.sink));
    expect(result.vertices[0].numRecordsOut).toBe(20_000);
  });

  it('refuses a job module that defines a different graph on a worker thread', async () => {
    await expect(executeOnTaskManagerThreads(defineThreadDependentJob, { module: JOBS, params: undefined }, { numberOfTaskManagers: 2 })).rejects.toThrow(
      /defined a different job on TaskManager thread \d \(fingerprint/,
    );
  });

  it('names a missing export of the job module', async () => {
    await expect(
      executeOnTaskManagerThreads(defineThreadDependentJob, { module: JOBS, exportName: 'noSuchJob', params: undefined }, { numberOfTaskManagers: 2 }),
    ).rejects.toThrow(/exports no function 'noSuchJob' \(it exports: .*defineWindowedCount/);
  });

  it('fails the job naming the operator and the record when a user function throws on a thread', async () => {
    const out = capture();
    const run = executeOnTaskManagerThreads(defineFailingJob, { module: JOBS, params: { failOn: 42 } }, { numberOfTaskManagers: 2, stdout: out.writer });
    await expect(run).rejects.toThrow(/task 'Map -> Sink: Print to Std. Out' \(subtask \d\/2\) failed: operator 'Map' failed on record 42: cannot handle 42/);
  });

  it('counts skipped malformed records from every thread in the result', async () => {
    const out = capture();
    const { result } = await executeOnTaskManagerThreads(
      defineFailingJob,
      { module: JOBS, params: { failOn: -1 } },
      { numberOfTaskManagers: 2, stdout: out.writer },
    );
    expect(result.vertices.reduce((n, v) => n + v.numRecordsSkipped, 0)).toBe(1);
    expect(out.lines).toHaveLength(99);
  });
});

describe('failover of a job on TaskManager threads', () => {
  const RECORDS = 2000;
  const PAUSE_AT = 800;
  const oneToRecords = Array.from({ length: RECORDS }, (_, i) => i + 1);
  /** What the checkpointed job commits without any fault: every record once. */
  const faultFree = Array.from({ length: RECORDS }, (_, i) => `record ${i}`).sort();
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-tm-failover-'));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const sourceRecordsOut = (result: JobExecutionResult): number => result.vertices.find((v) => v.name.startsWith('Source: Pausing Sequence'))!.numRecordsOut;

  /** The lines of the part files a FileSink made visible (committed). */
  const committedFiles = (outputDir: string): string[] =>
    fs
      .readdirSync(outputDir)
      .filter((f) => f.startsWith('part-'))
      .flatMap((f) => fs.readFileSync(path.join(outputDir, f), 'utf8').split('\n'))
      .filter((l) => l !== '');

  it.each(['throw', 'exitThread', 'uncaughtInThread'] as const)(
    "restarts by the job's fixed-delay strategy when attempt 0 fails (%s) and gives the exact output",
    async (failure) => {
      const { result, defined } = await executeOnTaskManagerThreads(
        defineFailOnceJob,
        { module: FAILOVER_JOBS, params: { records: RECORDS, failure, restartAttempts: 3 } },
        { numberOfTaskManagers: 2 },
      );
      expect(result.numRestarts).toBe(1);
      expect([...defined.sink.values].sort((a, b) => a - b)).toEqual(oneToRecords);
    },
  );

  it.each([
    // Every subtask of the thread failed with it; the job names the first one reported.
    ['exitThread', /task '[^']+' \(subtask \d\/2\) failed: TaskManager thread \d died: the thread exited with code 3$/],
    ['uncaughtInThread', /task '[^']+' \(subtask \d\/2\) failed: TaskManager thread \d died: uncaught on the thread at \d+$/],
  ] as const)('fails a job that cannot restart when a thread dies (%s), naming the thread', async (failure, message) => {
    await expect(
      executeOnTaskManagerThreads(
        defineFailOnceJob,
        { module: FAILOVER_JOBS, params: { records: RECORDS, failure, restartAttempts: 0 } },
        { numberOfTaskManagers: 2 },
      ),
    ).rejects.toThrow(message);
  });

  it('restores the latest checkpoint (state in memory) after a task failure; the two-phase-commit sink commits every record once', async () => {
    const { result, defined } = await executeOnTaskManagerThreads(
      defineCheckpointedFailOnceJob,
      { module: FAILOVER_JOBS, params: { records: RECORDS, pauseAt: PAUSE_AT, failure: 'throw' } },
      { numberOfTaskManagers: 2 },
    );
    expect(result.numRestarts).toBe(1);
    expect(result.checkpoints!.counts.restored).toBe(1);
    // The source rewound to the checkpoint at the pause, not to its start.
    expect(sourceRecordsOut(result)).toBe(RECORDS - PAUSE_AT);
    expect([...defined.sink!.committed].sort()).toEqual(faultFree);
  });

  it('restores the latest checkpoint (state files in a directory) after a thread died; the file sink commits every record once', async () => {
    const outputDir = path.join(dir, 'out');
    const { result } = await executeOnTaskManagerThreads(
      defineCheckpointedFailOnceJob,
      {
        module: FAILOVER_JOBS,
        params: { records: RECORDS, pauseAt: PAUSE_AT, failure: 'exitThread', checkpointDir: path.join(dir, 'checkpoints'), outputDir },
      },
      { numberOfTaskManagers: 2 },
    );
    expect(result.numRestarts).toBe(1);
    expect(result.checkpoints!.latestRestored?.path).toContain(path.join(dir, 'checkpoints'));
    expect(sourceRecordsOut(result)).toBe(RECORDS - PAUSE_AT);
    expect(committedFiles(outputDir).sort()).toEqual(faultFree);
  });
});
