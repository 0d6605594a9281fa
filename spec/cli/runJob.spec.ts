import { JobFile } from '../../lib/cli/JobFile';
import { RunJobOutcome, runJobFile } from '../../lib/cli/runJob';
import { ManualClock } from '../../lib/time/ManualClock';
import { TestSource } from '../harness/TestSource';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A job file whose source the test feeds: count records per key, print the running sums. */
function countingJob(source: TestSource<string>, cleaned: string[]): JobFile {
  return {
    jobName: 'counting',
    defineJob(env, { onJobEnd }) {
      env
        .fromSource(source, undefined, 'Test Source')
        .map((s) => ({ key: s, n: 1 }))
        .keyBy('key')
        .sum('n')
        .map((r) => `${r.key} ${r.n}`)
        .print();
      onJobEnd(() => void cleaned.push('closed'));
    },
  };
}

async function runOnManualClock(tty: boolean): Promise<{ outcome: RunJobOutcome; stdout: string[]; stderr: string[]; cleaned: string[] }> {
  const clock = new ManualClock(0);
  const source = new TestSource<string>(1);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const cleaned: string[] = [];
  let done: RunJobOutcome | undefined;
  const running = runJobFile(countingJob(source, cleaned), {
    parallelism: 2,
    clock,
    stdout: { write: (s) => void stdout.push(s) },
    stderr: { isTTY: tty, columns: 200, write: (s: string) => void stderr.push(s) },
    progressIntervalMs: 1000,
  }).then((o) => (done = o));
  source.emit('a', 'b', 'a');
  // Step the job's clock (buffer timeouts, progress ticks) until the progress line could show
  // all three records, then end the input and let the job finish.
  for (let step = 0; step < 400 && !done; step++) {
    if (step === 100) source.end();
    clock.advance(50);
    for (let i = 0; i < 20; i++) await nextTurn();
  }
  await running;
  return { outcome: done!, stdout, stderr, cleaned };
}

describe('runJobFile', () => {
  it('shows a progress line on a terminal and runs the job file to the end', async () => {
    const { outcome, stdout, stderr, cleaned } = await runOnManualClock(true);
    expect(outcome.status).toBe('FINISHED');
    expect(
      stdout
        .join('')
        .split('\n')
        .filter((l) => l)
        .map((l) => l.slice(3))
        .sort(),
    ).toEqual(['a 1', 'a 2', 'b 1']);
    const progress = stderr.filter((s) => s.startsWith('\r\x1b[2K') && s.length > 5);
    expect(progress.length).toBeGreaterThan(0);
    // eslint-disable-next-line no-control-regex -- the progress line starts with the ANSI erase-line escape, which is what is checked
    expect(progress[progress.length - 1]).toMatch(/^\r\x1b\[2KRUNNING \d+s \| 3 records read \(\d+\/s\) \| watermark none yet \| backpressure OK$/);
    expect(stderr[stderr.length - 1]).toBe('\r\x1b[2K'); // the line is cleared at the end
    expect(cleaned).toEqual(['closed']);
  });

  it('prints only the job output when stderr is not a terminal', async () => {
    const { outcome, stdout, stderr } = await runOnManualClock(false);
    expect(outcome.status).toBe('FINISHED');
    expect(
      stdout
        .join('')
        .split('\n')
        .filter((l) => l),
    ).toHaveLength(3);
    expect(stderr).toEqual([]);
  });

  it('prints each restart with its cause and attempt as it happens, and the failure that ends the job once', async () => {
    const clock = new ManualClock(0);
    const stderr: string[] = [];
    const job: JobFile = {
      jobName: 'flaky',
      defineJob(env) {
        env
          .fromElements(1, 2, 3)
          .map((x) => {
            if (x === 2) throw new Error('no twos');
            return x;
          })
          .name('Check')
          .print();
      },
    };
    let done: RunJobOutcome | undefined;
    const running = runJobFile(job, {
      parallelism: 1,
      clock,
      stdout: { write: () => undefined },
      stderr: { isTTY: false, write: (s: string) => void stderr.push(s) },
      configure: (env) => env.setRestartStrategy({ type: 'fixed-delay', attempts: 1, delayMs: 500 }),
    }).then((o) => (done = o));
    for (let step = 0; step < 100 && !done; step++) {
      clock.advance(100);
      for (let i = 0; i < 20; i++) await nextTurn();
    }
    await running;
    expect(done).toMatchObject({ status: 'FAILED', reported: true });
    const cause = "task 'Source: Collection Source -> Check -> Sink: Print to Std. Out' (subtask 1/1) failed: operator 'Check' failed on record 2: no twos";
    expect(
      stderr
        .join('')
        .split('\n')
        .filter((l) => l),
    ).toEqual([
      `brook: job 'flaky' is restarting in 500 ms (restart 1 of fixed-delay(1)) after a failure: ${cause}`,
      `brook: job 'flaky' failed after 1 restart: ${cause}`,
    ]);
  });
});
