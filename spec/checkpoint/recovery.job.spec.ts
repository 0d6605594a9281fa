import { TwoPhaseCommitSink } from '../../lib/connectors/sink/TwoPhaseCommitSink';
import { StreamOperator } from '../../lib/runtime/StreamOperator';
import { FailAfterRecords } from '../harness/FailAfterRecords';
import { FailingCommitSink } from '../harness/FailingCommitSink';
import { FailOnCheckpointComplete } from '../harness/FailOnCheckpointComplete';
import { JobHarness } from '../harness/JobHarness';
import { KeyCount, KeyedCounter } from '../harness/KeyedCounter';
import { TransactionalCollectSink } from '../harness/TransactionalCollectSink';

const KEYS = 5;
const RECORDS = 2000;

/** Where a test fails the job's first attempt: an operator chained to the source or to the counter, or the sink. */
interface Failure {
  readonly afterSource?: () => StreamOperator<string, string>;
  readonly afterCounter?: () => StreamOperator<KeyCount, KeyCount>;
  readonly sink?: (sink: TransactionalCollectSink<KeyCount>) => TwoPhaseCommitSink<KeyCount, unknown>;
}

/** generator → keyBy → KeyedCounter (state by key group) → two-phase-commit sink. */
function defineCountingJob(h: JobHarness, sink: TransactionalCollectSink<KeyCount>, failure: Failure = {}): void {
  h.env.enableCheckpointing(100);
  const source = h.env.fromGenerator((i) => `k${i % KEYS}`, RECORDS, { recordsPerSecond: 4000 });
  const counted = (failure.afterSource ? source.transform('Fail After Records', failure.afterSource) : source)
    .keyBy((k) => k)
    .transform('Keyed Counter', () => new KeyedCounter(), { keyed: true });
  (failure.afterCounter ? counted.transform('Fail After Records', failure.afterCounter) : counted).sinkTo(failure.sink ? failure.sink(sink) : sink);
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

  it.each<[string, Failure]>([
    ['a task that throws after 700 records', { afterCounter: () => new FailAfterRecords(700, 1) }],
    ['a source that throws after 300 records', { afterSource: () => new FailAfterRecords(300, 1) }],
    ['a task that fails between the 3rd checkpoint and its commit', { afterCounter: () => new FailOnCheckpointComplete(3, 1) }],
    ['a sink that fails before its 2nd commit', { sink: (s) => new FailingCommitSink(s, 1, { inCommit: 2, phase: 'before' }) }],
    ['a sink that fails after its 2nd commit was applied', { sink: (s) => new FailingCommitSink(s, 1, { inCommit: 2, phase: 'after' }) }],
    ['a sink that fails after writing 600 records', { sink: (s) => new FailingCommitSink(s, 1, { afterRecords: 600 }) }],
  ])('restarts from the last checkpoint after %s: every record counted exactly once', async (_what, failure) => {
    const h = new JobHarness({ parallelism: 2 });
    const sink = new TransactionalCollectSink<KeyCount>();
    try {
      h.env.setRestartStrategy({ type: 'fixed-delay', attempts: 3, delayMs: 1000 });
      defineCountingJob(h, sink, failure);
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
      defineCountingJob(h, sink, { afterCounter: () => new FailAfterRecords(100, 0) });
      await h.start();
      await expect(h.result()).rejects.toThrow(/'Keyed Counter.*' .*test failure in subtask 0 attempt 0 after 100 records/);
    } finally {
      await h.close();
    }
  });
});
