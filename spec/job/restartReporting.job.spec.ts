import { describeJobEvent, JobEvent } from '../../lib/controlplane/JobEventReporter';
import { CollectSink } from '../../lib/connectors/sink/CollectSink';
import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { JobHarness, JobHarnessOptions } from '../harness/JobHarness';

const TASK = "task 'Source: Collection Source -> Check -> Sink: Collect' (subtask 1/1) failed: operator 'Check'";

/** 1..5 through a map that throws on 3 in its first `failures` attempts. */
function defineFailingJob(env: StreamExecutionEnvironment, failures: number): CollectSink<number> {
  let failed = 0;
  const sink = new CollectSink<number>();
  env
    .fromElements(1, 2, 3, 4, 5)
    .map((x) => {
      if (x === 3 && failed < failures) throw new Error(`boom ${++failed}`);
      return x;
    })
    .name('Check')
    .sinkTo(sink)
    .name('Collect');
  return sink;
}

async function run(failures: number, options: JobHarnessOptions): Promise<{ h: JobHarness; outcome: PromiseSettledResult<unknown> }> {
  const h = new JobHarness({ parallelism: 1, ...options });
  h.env.setRestartStrategy({ type: 'fixed-delay', attempts: 3, delayMs: 1000 });
  defineFailingJob(h.env, failures);
  await h.start('flaky');
  const [outcome] = await Promise.allSettled([h.result()]);
  return { h, outcome };
}

describe('what a user sees when a job restarts', () => {
  it('reports every restart with its cause and attempt number, and nothing else', async () => {
    const events: JobEvent[] = [];
    const { h, outcome } = await run(2, { reporter: { report: (e) => events.push(e) } });
    try {
      expect(outcome.status).toBe('fulfilled');
      expect(events.map(describeJobEvent)).toEqual([
        `job 'flaky' is restarting in 1000 ms (restart 1 of fixed-delay(3)) after a failure: ${TASK} failed on record 3: boom 1`,
        `job 'flaky' is restarting in 1000 ms (restart 2 of fixed-delay(3)) after a failure: ${TASK} failed on record 3: boom 2`,
      ]);
      // The library's own stream stays quiet when a reporter is given.
      expect(h.stderr).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it("writes the restarts and the final failure to the environment's stderr by default, the failure once", async () => {
    const { h, outcome } = await run(4, {});
    try {
      expect(outcome.status).toBe('rejected');
      expect(h.stderr).toEqual([
        `brook: job 'flaky' is restarting in 1000 ms (restart 1 of fixed-delay(3)) after a failure: ${TASK} failed on record 3: boom 1`,
        `brook: job 'flaky' is restarting in 1000 ms (restart 2 of fixed-delay(3)) after a failure: ${TASK} failed on record 3: boom 2`,
        `brook: job 'flaky' is restarting in 1000 ms (restart 3 of fixed-delay(3)) after a failure: ${TASK} failed on record 3: boom 3`,
        `brook: job 'flaky' failed after 3 restarts: ${TASK} failed on record 3: boom 4`,
      ]);
    } finally {
      await h.close();
    }
  });

  it('counts restarts of a strategy without a limit, and says it has none', async () => {
    const events: JobEvent[] = [];
    const h = new JobHarness({ parallelism: 1, reporter: { report: (e) => events.push(e) } });
    try {
      h.env.setRestartStrategy({ type: 'failure-rate', maxFailuresPerInterval: 5, failureRateIntervalMs: 60_000, delayMs: 10 });
      defineFailingJob(h.env, 2);
      await h.start('flaky');
      await h.result();
      expect(events.map(describeJobEvent).map((l) => /\((restart .*?)\) after/.exec(l)?.[1])).toEqual([
        'restart 1; failure-rate(5 per 60000 ms) has no limit',
        'restart 2; failure-rate(5 per 60000 ms) has no limit',
      ]);
    } finally {
      await h.close();
    }
  });
});
