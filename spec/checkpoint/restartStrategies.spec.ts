import { createRestartStrategy } from '../../lib/runtime/restart/RestartStrategy';
import { ManualClock } from '../../lib/time/ManualClock';
import { JobHarness } from '../harness/JobHarness';
import { FailAfterRecords } from '../harness/FailAfterRecords';
import { KeyCount, KeyedCounter } from '../harness/KeyedCounter';
import { TransactionalCollectSink } from '../harness/TransactionalCollectSink';

describe("restart strategies (Flink's RestartBackoffTimeStrategy), on the manual clock", () => {
  it('fixed-delay: `attempts` restarts, each after the delay (default 1 attempt, 1 s)', () => {
    const clock = new ManualClock(0);
    const s = createRestartStrategy({ type: 'fixed-delay', attempts: 2, delayMs: 500 }, clock);
    const outcomes = [1, 2, 3].map(() => (s.notifyFailure(new Error('x')), s.canRestart()));
    expect(outcomes).toEqual([true, true, false]);
    expect(s.getBackoffTime()).toBe(500);
    const d = createRestartStrategy({ type: 'fixed-delay' }, clock);
    d.notifyFailure(new Error('x'));
    expect([d.canRestart(), d.getBackoffTime()]).toEqual([true, 1000]);
    d.notifyFailure(new Error('x'));
    expect(d.canRestart()).toBe(false);
  });

  it('failure-rate: restarts while no more than the maximum failures fall within the interval', () => {
    const clock = new ManualClock(0);
    const s = createRestartStrategy({ type: 'failure-rate', maxFailuresPerInterval: 2, failureRateIntervalMs: 10_000, delayMs: 0 }, clock);
    const failAt = (t: number): boolean => {
      clock.set(t);
      s.notifyFailure(new Error('x'));
      return s.canRestart();
    };
    expect([failAt(0), failAt(1000)]).toEqual([true, true]);
    expect(failAt(2000)).toBe(false); // a third within 10 s of the first
    const late = createRestartStrategy({ type: 'failure-rate', maxFailuresPerInterval: 2, failureRateIntervalMs: 10_000 }, new ManualClock(0));
    const c2 = new ManualClock(0);
    const s2 = createRestartStrategy({ type: 'failure-rate', maxFailuresPerInterval: 2, failureRateIntervalMs: 10_000 }, c2);
    for (const t of [0, 1000, 10_001]) {
      c2.set(t);
      s2.notifyFailure(new Error('x'));
    }
    expect(s2.canRestart()).toBe(true); // the oldest of three is more than 10 s old
    expect(late.getBackoffTime()).toBe(1000);
    // Defaults: 1 failure per minute.
    const c3 = new ManualClock(0);
    const d = createRestartStrategy({ type: 'failure-rate' }, c3);
    d.notifyFailure(new Error('x'));
    expect(d.canRestart()).toBe(true);
    c3.set(59_000);
    d.notifyFailure(new Error('x'));
    expect(d.canRestart()).toBe(false);
  });

  it('exponential-delay: 1 s × 1.5^n up to 1 min, failures merged while a restart is pending, reset after an hour', () => {
    const clock = new ManualClock(1_000_000);
    const s = createRestartStrategy({ type: 'exponential-delay', jitterFactor: 0 }, clock);
    const backoffs: number[] = [];
    for (let i = 0; i < 12; i++) {
      expect(s.notifyFailure(new Error('x'))).toBe(true);
      const b = s.getBackoffTime();
      backoffs.push(b);
      clock.advance(b + 10); // the job restarts, runs 10 ms, fails again
    }
    expect(backoffs.slice(0, 5)).toEqual([1000, 1500, 2250, 3375, 5062]);
    expect(backoffs[11]).toBe(60_000);
    expect(s.canRestart()).toBe(true);
    // A second failure before the scheduled restart merges into it.
    s.notifyFailure(new Error('x'));
    expect(s.notifyFailure(new Error('y'))).toBe(false);
    // Running for the reset threshold (1 h) after the restart brings the backoff back to 1 s.
    clock.advance(s.getBackoffTime() + 3_600_000);
    s.notifyFailure(new Error('x'));
    expect(s.getBackoffTime()).toBe(1000);
  });

  it('exponential-delay jitter: ± 10 % of the backoff, drawn from an injectable random source', () => {
    const clock = new ManualClock(0);
    const low = createRestartStrategy({ type: 'exponential-delay' }, clock, () => 0);
    low.notifyFailure(new Error('x'));
    expect(low.getBackoffTime()).toBe(1000); // 900, clamped to the initial backoff
    const high = createRestartStrategy({ type: 'exponential-delay' }, clock, () => 0.9999);
    high.notifyFailure(new Error('x'));
    expect(high.getBackoffTime()).toBe(1100);
  });

  it('a job waits the backoff on its clock before restarting, and fails once attempts are used up', async () => {
    const h = new JobHarness({ parallelism: 1 });
    const sink = new TransactionalCollectSink<KeyCount>();
    try {
      h.env.enableCheckpointing(100);
      h.env.setRestartStrategy({ type: 'fixed-delay', attempts: 1, delayMs: 3000 });
      h.env
        .fromGenerator((i) => `k${i % 3}`, 1000, { recordsPerSecond: 1000 })
        .keyBy((k) => k)
        .transform('Keyed Counter', () => new KeyedCounter(), { keyed: true })
        .transform('Fail After Records', () => new FailAfterRecords<KeyCount>(10, 0, [0, 1]))
        .sinkTo(sink);
      await h.start();
      // Records reach the counter with the first buffer timeout (100 ms): it fails then.
      let failedAt = -1;
      while (h.client!.getJobStatus() !== 'RESTARTING') {
        await h.advance(10);
        failedAt = h.clock.now();
      }
      await h.advance(2950);
      expect(h.client!.getJobStatus()).toBe('RESTARTING');
      await h.advance(60);
      expect(h.clock.now() - failedAt).toBeGreaterThanOrEqual(3000);
      expect(h.client!.getJobStatus()).toBe('RUNNING');
      // Restarted after 3 s; attempt 1 fails too, and one restart was all it had.
      await expect(h.result()).rejects.toThrow(/attempt 1 after \d+ records/);
      expect(h.client!.getJobStatus()).toBe('FAILED');
    } finally {
      await h.close();
    }
  });
});
