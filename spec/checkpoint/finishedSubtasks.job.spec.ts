import fs from 'fs';
import os from 'os';
import path from 'path';
import { JobHarness } from '../harness/JobHarness';
import { KeyCount, KeyedCounter } from '../harness/KeyedCounter';
import { ReplayableTestSource } from '../harness/ReplayableTestSource';
import { TransactionalCollectSink } from '../harness/TransactionalCollectSink';

/**
 * replayable source (parallelism 2) → a map that fails once on 'boom' → keyBy → KeyedCounter →
 * two-phase-commit sink. Every key is sent once, so exactly once means every committed count is 1.
 */
function defineJob(h: JobHarness, source: ReplayableTestSource<string>, sink: TransactionalCollectSink<KeyCount>, intervalMs: number): void {
  let failed = false;
  h.env.enableCheckpointing(intervalMs);
  h.env.setRestartStrategy({ type: 'fixed-delay', attempts: 2, delayMs: 100 });
  h.env
    .fromSource(source, undefined, 'Log')
    .uid('log')
    .map((v) => {
      if (v === 'boom' && !failed) {
        failed = true;
        throw new Error('boom: the failover this test needs');
      }
      return v;
    })
    .keyBy((k) => k)
    .transform('Keyed Counter', () => new KeyedCounter(), { keyed: true })
    .uid('counter')
    .sinkTo(sink)
    .uid('sink');
}

function expectEachCommittedOnce(sink: TransactionalCollectSink<KeyCount>, keys: readonly string[]): void {
  expect([...sink.committed].sort((a, b) => a.key.localeCompare(b.key))).toEqual([...keys].sort().map((key) => ({ key, count: 1 })));
}

describe("a finished subtask's state on a whole job", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-finished-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is carried into later checkpoints and restored after a failover: the subtask goes on from where it finished', async () => {
    const h = new JobHarness({ parallelism: 2 });
    const source = new ReplayableTestSource<string>();
    const sink = new TransactionalCollectSink<KeyCount>();
    try {
      defineJob(h, source, sink, 100);
      await h.start();
      source.append(0, 'a', 'b').append(1, 'x');
      await h.advance(150);
      source.append(0, 'c').end(0); // subtask 0's input ends early
      await h.advance(200);
      expect(source.closed).toEqual([0]); // it finished after its final checkpoint
      source.append(1, 'y');
      await h.advance(300); // later checkpoints carry subtask 0's final state
      const before = (await h.client!.getCheckpointStats())!;
      source.append(1, 'boom');
      await h.advance(500);
      source.append(1, 'z').end(1);
      const result = await h.result();
      expect(result.numRestarts).toBe(1);
      const stats = (await h.client!.getCheckpointStats())!;
      expect(stats.latestRestored!.checkpointId).toBeGreaterThanOrEqual(before.latestCompleted!.checkpointId);
      expect(source.restoredPositions).toEqual(expect.arrayContaining([{ subtask: 0, position: 3 }]));
      expectEachCommittedOnce(sink, ['a', 'b', 'c', 'x', 'y', 'boom', 'z']);
    } finally {
      await h.close();
    }
  });

  it('is the one of the savepoint it finished on, not of the checkpoint before: after a later failover nothing is committed twice', async () => {
    const h = new JobHarness({ parallelism: 2 });
    const source = new ReplayableTestSource<string>();
    const sink = new TransactionalCollectSink<KeyCount>();
    try {
      defineJob(h, source, sink, 1000);
      await h.start();
      source.append(0, 'a').append(1, 'x');
      await h.advance(1050); // checkpoint 1: subtask 0 at position 1
      source.append(0, 'b', 'c').end(0);
      await h.settle(); // subtask 0 reached its end of input and waits for its final snapshot
      const savepoint = h.client!.triggerSavepoint(path.join(dir, 'savepoints'));
      await h.settle();
      expect(await savepoint).toContain('savepoint-');
      await h.advance(10);
      expect(source.closed).toEqual([0]); // the savepoint was its final snapshot
      expect(sink.committed.map((c) => c.key).sort()).toEqual(['a', 'b', 'c', 'x']);
      await h.advance(1000); // checkpoint 3 carries subtask 0's final state
      expect((await h.client!.getCheckpointStats())!.latestCompleted!.checkpointId).toBe(3);
      source.append(1, 'boom');
      await h.advance(500);
      source.append(1, 'z').end(1);
      const result = await h.result();
      expect(result.numRestarts).toBe(1);
      expect((await h.client!.getCheckpointStats())!.latestRestored!.checkpointId).toBe(3);
      expect(source.restoredPositions).toEqual(expect.arrayContaining([{ subtask: 0, position: 3 }]));
      expectEachCommittedOnce(sink, ['a', 'b', 'c', 'x', 'boom', 'z']);
    } finally {
      await h.close();
    }
  });
});
