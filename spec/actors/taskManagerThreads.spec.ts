import path from 'path';
import { executeOnTaskManagerThreads } from '../../lib/api/executeOnTaskManagerThreads';
import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { TextWriter } from '../../lib/runtime/StreamOperator';
import { defineIpCountJob, ipCountJob } from '../../samples/ipcount/IpCountJob';
import { runBoundedJob } from '../harness/JobHarness';
import { defineFailingJob, defineThreadDependentJob, defineWindowedCount } from './jobs/workerJobs';

const JOBS = path.join(__dirname, 'jobs', 'workerJobs.ts');
const IPCOUNT = path.join(__dirname, '../../samples/ipcount/IpCountJob.ts');
const SEED_LOG = path.join(__dirname, '../../samples/ipcount/seed-access.log');

function capture(): { lines: string[]; writer: TextWriter } {
  const lines: string[] = [];
  return { lines, writer: { write: (s) => void lines.push(...s.split('\n').filter((l) => l !== '')) } };
}

describe('TaskManagers on worker threads', () => {
  it('print() of every TaskManager thread reaches stdout: the IpCount table, as on one TaskManager', async () => {
    const threads = capture();
    const params = { input: { file: SEED_LOG }, parallelism: 4 };
    await executeOnTaskManagerThreads(ipCountJob, { module: IPCOUNT, params }, { numberOfTaskManagers: 2, stdout: threads.writer });
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
    const subtaskOf = (sink: typeof local.sink): Map<string, number> =>
      new Map(sink.records.map((r) => [r.value.split(' ')[0], r.subtaskIndex]));
    expect(subtaskOf(defined.sink)).toEqual(subtaskOf(local.sink));
    expect(result.vertices[0].numRecordsOut).toBe(20_000);
  });

  it('refuses a job module that defines a different graph on a worker thread', async () => {
    await expect(
      executeOnTaskManagerThreads(defineThreadDependentJob, { module: JOBS, params: undefined }, { numberOfTaskManagers: 2 }),
    ).rejects.toThrow(/defined a different job on TaskManager thread \d \(fingerprint/);
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
    const { result } = await executeOnTaskManagerThreads(defineFailingJob, { module: JOBS, params: { failOn: -1 } }, { numberOfTaskManagers: 2, stdout: out.writer });
    expect(result.vertices.reduce((n, v) => n + v.numRecordsSkipped, 0)).toBe(1);
    expect(out.lines).toHaveLength(99);
  });
});
