import { MiniCluster } from '../../actors/MiniCluster';
import { JobClient } from '../../lib/api/JobClient';
import { JobExecutionResult } from '../../lib/api/JobExecutionResult';
import { LocalEnvironmentOptions, StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { TextWriter } from '../../lib/runtime/StreamOperator';
import { ManualClock } from '../../lib/time/ManualClock';

export interface JobHarnessOptions extends Omit<LocalEnvironmentOptions, 'clock' | 'cluster' | 'stdout' | 'stderr'> {
  readonly startTime?: number;
}

/**
 * A whole job on a manual clock: a MiniCluster whose time only moves when the test says so.
 * `advance` steps from timer to timer and lets every actor finish its work in between, so a
 * run is deterministic and never sleeps.
 */
export class JobHarness {
  readonly clock: ManualClock;
  readonly cluster: MiniCluster;
  readonly env: StreamExecutionEnvironment;
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  client: JobClient | undefined;

  constructor(options: JobHarnessOptions = {}) {
    this.clock = new ManualClock(options.startTime ?? 0);
    const capture = (lines: string[]): TextWriter => ({ write: (s) => void lines.push(...s.split('\n').filter((l) => l !== '')) });
    const stdout = capture(this.stdout);
    const stderr = capture(this.stderr);
    const taskManagers = options.numberOfTaskManagers ?? 1;
    this.cluster = new MiniCluster({
      numberOfTaskManagers: taskManagers,
      // As a local environment: just enough for the default parallelism. Jobs with operators
      // above it pass slotsPerTaskManager.
      slotsPerTaskManager: options.slotsPerTaskManager ?? Math.ceil((options.parallelism ?? 1) / taskManagers),
      clock: this.clock,
      stdout,
      stderr,
    });
    this.env = StreamExecutionEnvironment.createLocalEnvironment({
      parallelism: 1,
      ...options,
      clock: this.clock,
      cluster: this.cluster,
      stdout,
      stderr,
    });
  }

  async start(jobName = 'test job'): Promise<JobClient> {
    this.client = await this.env.executeAsync(jobName);
    await this.settle();
    return this.client;
  }

  settle(): Promise<void> {
    return this.cluster.settle();
  }

  /** Moves the clock forward by `ms`, firing timers one due time at a time, settling in between. */
  async advance(ms: number): Promise<void> {
    const target = this.clock.now() + ms;
    for (;;) {
      await this.settle();
      const due = this.clock.nextDue();
      if (due === undefined || due > target) break;
      this.clock.set(due);
    }
    this.clock.set(target);
    await this.settle();
  }

  /** Waits for the job's result, advancing time while it runs (buffer timeouts, watermarks). */
  async result(maxVirtualMs = 60_000): Promise<JobExecutionResult> {
    if (!this.client) throw new Error('start the job first');
    let done = false;
    const outcome = this.client.getJobExecutionResult().finally(() => (done = true));
    outcome.catch(() => undefined);
    const deadline = this.clock.now() + maxVirtualMs;
    await this.settle();
    while (!done && this.clock.now() < deadline) await this.advance(100);
    return outcome;
  }

  async close(): Promise<void> {
    await this.cluster.shutdown();
  }
}

/** Runs a bounded job to the end on a manual clock; returns its result and what it printed. */
export async function runBoundedJob(
  define: (env: StreamExecutionEnvironment) => void,
  options: JobHarnessOptions = {},
): Promise<{ result: JobExecutionResult; stdout: string[]; stderr: string[] }> {
  const h = new JobHarness(options);
  try {
    define(h.env);
    await h.start();
    const result = await h.result();
    return { result, stdout: h.stdout, stderr: h.stderr };
  } finally {
    await h.close();
  }
}
