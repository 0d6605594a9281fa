import { FaultSpec } from '../../lib/runtime/FaultInjector';
import { JobHarness } from '../harness/JobHarness';
import { KeyCount, KeyedCounter } from '../harness/KeyedCounter';
import { TransactionalCollectSink } from '../harness/TransactionalCollectSink';

const KEYS = 5;
const RECORDS = 2000;

/** generator → keyBy → KeyedCounter (state by key group) → two-phase-commit sink. */
function defineCountingJob(h: JobHarness, sink: TransactionalCollectSink<KeyCount>, faults: FaultSpec[] = []): void {
  h.env.enableCheckpointing(100);
  h.env.injectFaults(...faults);
  h.env
    .fromGenerator((i) => `k${i % KEYS}`, RECORDS, { recordsPerSecond: 4000 })
    .keyBy((k) => k)
    .transform('Keyed Counter', () => new KeyedCounter(), { keyed: true })
    .sinkTo(sink);
}

/** Exactly once: each key's committed counts are 1, 2, …, n, each once. */
function expectExactlyOnce(committed: readonly KeyCount[]): void {
  const byKey = new Map<string, number[]>();
  for (const c of committed) byKey.set(c.key, [...(byKey.get(c.key) ?? []), c.count]);
  expect([...byKey.keys()].sort()).toEqual(Array.from({ length: KEYS }, (_, i) => `k${i}`));
  for (const counts of byKey.values()) {
    const n = RECORDS / KEYS;
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  }
}

describe('checkpoints and recovery on a whole job', () => {
  it('checkpoints periodically, commits on completion, and finishes after a final checkpoint', async () => {
    const h = new JobHarness({ parallelism: 2 });
    const sink = new TransactionalCollectSink<KeyCount>();
    try {
      defineCountingJob(h, sink);
      await h.start();
      await h.advance(250);
      // Commits happen only when a checkpoint completes: what is committed is a prefix.
      const stats = await h.client!.getCheckpointStats();
      expect(stats!.counts.completed).toBeGreaterThanOrEqual(2);
      expect(sink.committed.length).toBeGreaterThan(0);
      expect(sink.committed.length).toBeLessThan(RECORDS);
      const result = await h.result();
      expect(result.numRestarts).toBe(0);
      expectExactlyOnce(sink.committed);
      expect(sink.numStaged).toBe(0);
    } finally {
      await h.close();
    }
  });

  it.each<[string, FaultSpec['action'], FaultSpec['trigger'], string]>([
    ['a task that throws after 700 records', 'throw', { afterRecords: 700 }, 'Keyed Counter'],
    ['an actor that dies (nact supervision) after 500 records', 'crashActor', { afterRecords: 500 }, 'Keyed Counter'],
    ['a source that throws after 300 records', 'throw', { afterRecords: 300 }, 'Source'],
    ['a sink that fails between its 3rd barrier and the commit', 'throw', { afterCheckpoint: 3 }, 'Keyed Counter'],
    ['a sink that fails before its 2nd commit', 'throw', { inCommit: 2, phase: 'before' }, 'Keyed Counter'],
    ['a sink that fails after its 2nd commit was applied', 'throw', { inCommit: 2, phase: 'after' }, 'Keyed Counter'],
    ['a sink actor that dies in its 4th commit', 'crashActor', { inCommit: 4, phase: 'after' }, 'Keyed Counter'],
  ])('restarts from the last checkpoint after %s: every record counted exactly once', async (_what, action, trigger, task) => {
    const h = new JobHarness({ parallelism: 2 });
    const sink = new TransactionalCollectSink<KeyCount>();
    try {
      h.env.setRestartStrategy({ type: 'fixed-delay', attempts: 3, delayMs: 1000 });
      defineCountingJob(h, sink, [{ task, subtask: 1, trigger, action }]);
      await h.start();
      const result = await h.result();
      expect(result.numRestarts).toBe(1);
      expectExactlyOnce(sink.committed);
      const stats = (await h.client!.getCheckpointStats())!;
      expect(stats.counts.restored).toBe(1);
      expect(stats.latestRestored!.checkpointId).toBeLessThan(stats.latestCompleted!.checkpointId);
    } finally {
      await h.close();
    }
  });

  it('fails the job when the restart strategy allows no restart', async () => {
    const h = new JobHarness({ parallelism: 2 });
    const sink = new TransactionalCollectSink<KeyCount>();
    try {
      h.env.setRestartStrategy({ type: 'none' });
      defineCountingJob(h, sink, [{ task: 'Keyed Counter', subtask: 0, trigger: { afterRecords: 100 }, action: 'throw' }]);
      await h.start();
      await expect(h.result()).rejects.toThrow(/injected fault in 'Keyed Counter.*' subtask 0 attempt 0 after \d+ records/);
    } finally {
      await h.close();
    }
  });
});
