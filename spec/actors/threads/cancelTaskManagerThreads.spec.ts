import { Worker } from 'worker_threads';
import * as threads from '../../../actors/threads/startThread';
import { executeOnTaskManagerThreads, executeOnTaskManagerThreadsAsync } from '../../../lib/api/executeOnTaskManagerThreads';
import { TextWriter } from '../../../lib/runtime/StreamOperator';
import { defineEndlessJob } from './jobs/threadJobs';

const JOBS = require.resolve('./jobs/threadJobs');

/** The TaskManager threads started, each with whether it has exited. */
function watchThreads(): Array<{ worker: Worker; exited: boolean }> {
  const started: Array<{ worker: Worker; exited: boolean }> = [];
  const real = threads.startThread;
  jest.spyOn(threads, 'startThread').mockImplementation((...args) => {
    const entry = { worker: real(...args), exited: false };
    entry.worker.once('exit', () => (entry.exited = true));
    started.push(entry);
    return entry.worker;
  });
  return started;
}

/** Resolves once `n` lines were printed: every subtask of the endless job runs. */
function printed(n: number): { writer: TextWriter; running: Promise<void> } {
  let lines = 0;
  let resolve!: () => void;
  const running = new Promise<void>((r) => (resolve = r));
  return {
    writer: { write: (s) => void ((lines += s.split('\n').filter((l) => l !== '').length) >= n && resolve()) },
    running,
  };
}

describe('cancelling a job on TaskManager threads', () => {
  afterEach(() => jest.restoreAllMocks());

  it('an aborted signal cancels the job: it rejects as CANCELED, after every thread has exited', async () => {
    const started = watchThreads();
    const out = printed(2);
    const abort = new AbortController();
    const run = executeOnTaskManagerThreads(
      defineEndlessJob,
      { module: JOBS, params: { parallelism: 2 } },
      { numberOfTaskManagers: 2, stdout: out.writer, signal: abort.signal },
    );
    run.catch(() => undefined);
    await out.running;
    abort.abort();
    await expect(run).rejects.toThrow(/the job was cancelled/);
    expect(started).toHaveLength(2);
    expect(started.every((t) => t.exited)).toBe(true);
  }, 30_000);

  it('a signal aborted before the start starts nothing', async () => {
    const started = watchThreads();
    const abort = new AbortController();
    abort.abort();
    await expect(executeOnTaskManagerThreads(defineEndlessJob, { module: JOBS, params: { parallelism: 2 } }, { signal: abort.signal })).rejects.toThrow(
      /aborted/,
    );
    expect(started).toHaveLength(0);
  });

  it("the async variant's client cancels: status CANCELED, every thread exited", async () => {
    const started = watchThreads();
    const out = printed(2);
    const { client } = await executeOnTaskManagerThreadsAsync(
      defineEndlessJob,
      { module: JOBS, params: { parallelism: 2 } },
      { numberOfTaskManagers: 2, stdout: out.writer },
    );
    const result = client.getJobExecutionResult();
    result.catch(() => undefined);
    await out.running;
    expect(client.getJobStatus()).toBe('RUNNING');
    await client.cancel();
    expect(client.getJobStatus()).toBe('CANCELED');
    expect(started.every((t) => t.exited)).toBe(true);
    await expect(result).rejects.toThrow(/the job was cancelled/);
  }, 30_000);
});
