import { JobManagerGateway } from '../../actors/JobManagerGateway';
import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { RestServer } from '../../lib/rest/RestServer';
import { JobDetailsBody, JobExceptionsBody } from '../../lib/rest/RestTypes';
import { getJson, request } from '../harness/httpGet';
import { JobHarness } from '../harness/JobHarness';

/** Numbers from a generator (ten a second, unbounded) through a map that throws on 2 in its first `failures` attempts. */
function defineJob(env: StreamExecutionEnvironment, failures: number): void {
  let failed = 0;
  env
    .fromGenerator((i) => i, Infinity, { recordsPerSecond: 10 })
    .map((x) => {
      if (x === 2 && failed < failures) throw new Error(`boom ${++failed}`);
      return x;
    })
    .name('Check')
    .print();
}

async function withServer(define: (h: JobHarness) => void, test: (ctx: { h: JobHarness; url: string; jobId: string }) => Promise<void>): Promise<void> {
  const h = new JobHarness({ parallelism: 1, reporter: { report: () => undefined } });
  const server = new RestServer(new JobManagerGateway(h.cluster.system, h.cluster.jobManager), { port: 0 });
  try {
    define(h);
    const { jobId } = await h.start('flaky');
    const url = await server.start();
    await test({ h, url, jobId });
  } finally {
    await server.close();
    await h.close();
  }
}

describe('GET /jobs/:jobid/exceptions', () => {
  it('keeps the last 16 failures, newest first, each with its task, subtask and whether the job restarted', async () => {
    await withServer(
      (h) => {
        h.env.setRestartStrategy({ type: 'fixed-delay', attempts: 100, delayMs: 10 });
        defineJob(h.env, 17);
      },
      async ({ h, url, jobId }) => {
        await h.advance(17 * 400);
        const body = await getJson<JobExceptionsBody>(url, `/jobs/${jobId}/exceptions`);
        const { entries, truncated } = body.exceptionHistory;
        expect(truncated).toBe(true);
        expect(body.truncated).toBe(true);
        expect(entries.map((e) => /boom \d+/.exec(e.stacktrace)?.[0])).toEqual(Array.from({ length: 16 }, (_, i) => `boom ${17 - i}`));
        expect(entries[0]).toMatchObject({
          exceptionName: 'TaskFailure',
          taskName: 'Source: Generator Source -> Check -> Sink: Print to Std. Out',
          subtaskIndex: 0,
          taskManagerId: 'taskmanager-0',
          restarted: true,
          concurrentExceptions: [],
          failureLabels: {},
        });
        expect(entries.every((e) => e.restarted)).toBe(true);
        // Java's `Caused by:` chain: the task's failure, the operator's, the user's error.
        expect(entries[0].stacktrace).toMatch(/^TaskFailure: task '.*' \(subtask 1\/1\) failed: operator 'Check' failed on record 2: boom 17\n/);
        expect(entries[0].stacktrace).toMatch(/\nCaused by: Error: boom 17\n\s+at /);
        expect(entries.map((e) => e.timestamp)).toEqual([...entries.map((e) => e.timestamp)].sort((a, b) => b - a));
        expect(body['root-exception']).toBe(entries[0].stacktrace);
        expect(body.timestamp).toBe(entries[0].timestamp);
        expect(body['all-exceptions']).toHaveLength(16);

        const job = await getJson<JobDetailsBody>(url, `/jobs/${jobId}`);
        expect(job).toMatchObject({ state: 'RUNNING', 'num-restarts': 17 });
        const metrics = (await request(url, '/metrics')).text;
        expect(metrics).toContain(`brook_job_numRestarts{job_id="${jobId}",job_name="flaky"} 17\n`);
      },
    );
  });

  it('marks the failure that ended the job as not restarted', async () => {
    await withServer(
      (h) => {
        h.env.setRestartStrategy({ type: 'fixed-delay', attempts: 1, delayMs: 10 });
        defineJob(h.env, 5);
      },
      async ({ h, url, jobId }) => {
        await h.result().catch(() => undefined);
        const body = await getJson<JobExceptionsBody>(url, `/jobs/${jobId}/exceptions`);
        expect(body.exceptionHistory.truncated).toBe(false);
        expect(body.exceptionHistory.entries.map((e) => [/boom \d+/.exec(e.stacktrace)?.[0], e.restarted])).toEqual([
          ['boom 2', false],
          ['boom 1', true],
        ]);
        expect(await getJson<JobDetailsBody>(url, `/jobs/${jobId}`)).toMatchObject({ state: 'FAILED', 'num-restarts': 1 });
      },
    );
  });

  it('is empty for a job that never failed', async () => {
    await withServer(
      (h) => defineJob(h.env, 0),
      async ({ h, url, jobId }) => {
        await h.advance(500);
        expect(await getJson<JobExceptionsBody>(url, `/jobs/${jobId}/exceptions`)).toEqual({
          'root-exception': null,
          timestamp: null,
          'all-exceptions': [],
          truncated: false,
          exceptionHistory: { entries: [], truncated: false },
        });
        expect(await getJson<JobDetailsBody>(url, `/jobs/${jobId}`)).toMatchObject({ 'num-restarts': 0 });
        expect((await request(url, '/metrics')).text).toContain(`brook_job_numRestarts{job_id="${jobId}",job_name="flaky"} 0\n`);
      },
    );
  });
});
