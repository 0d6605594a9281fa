import fs from 'fs';
import os from 'os';
import path from 'path';
import { findLatestCompletedCheckpoint } from '../../lib/runtime/checkpoint/CheckpointStorage';
import { JobHarness } from '../harness/JobHarness';
import { KeyCount, KeyedCounter } from '../harness/KeyedCounter';
import { ReplayableTestSource } from '../harness/ReplayableTestSource';
import { TransactionalCollectSink } from '../harness/TransactionalCollectSink';

/** Lets the event loop (actors, file I/O) run until `done` holds; fails after `turns` turns. */
async function until(done: () => boolean, what: string, turns = 100_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (done()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`gave up waiting until ${what}`);
}

describe('a subtask failure while a checkpoint is being finalized', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-finalizing-'))));
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('restores the checkpoint whose directory was renamed: the restart and the directory agree, nothing is lost or committed twice', async () => {
    const h = new JobHarness({ parallelism: 2 });
    const source = new ReplayableTestSource<string>();
    const sink = new TransactionalCollectSink<KeyCount>();
    const storage = path.join(dir, 'checkpoints');
    let failed = false;
    try {
      h.env.enableCheckpointing(100);
      h.env.getCheckpointConfig().setCheckpointStorage(storage);
      h.env.setRestartStrategy({ type: 'fixed-delay', attempts: 1, delayMs: 0 });
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
      await h.start();
      source.append(0, 'a').append(1, 'x');
      await h.advance(150);
      const first = (await h.client!.getCheckpointStats())!.latestCompleted!.checkpointId;
      source.append(0, 'b').append(1, 'y');
      await h.settle();

      // The next checkpoint's directory is renamed to chk-N; before the coordinator hears of it,
      // a subtask fails, the job fails over, every subtask is released and the restart (no
      // backoff) comes: it must wait for the outcome of the finalization.
      let finalized: number | undefined;
      const realRename = fs.promises.rename.bind(fs.promises);
      jest.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
        await realRename(from, to);
        const m = /chk-(\d+)$/.exec(String(to));
        if (finalized !== undefined || !m) return;
        finalized = Number(m[1]);
        source.append(1, 'boom');
        await until(() => h.client!.getJobStatus() === 'RESTARTING' && source.closed.length === 2, 'the job fails over');
        for (let i = 0; i < 200; i++) await new Promise((resolve) => setImmediate(resolve)); // the restart's turn
      });
      await h.advance(100);
      expect(finalized).toBe(first + 1);
      expect(failed).toBe(true);
      await h.advance(500);
      source.append(0, 'c').end(0);
      source.append(1, 'z').end(1);
      const result = await h.result();

      expect(result.numRestarts).toBe(1);
      const stats = (await h.client!.getCheckpointStats())!;
      expect(stats.latestRestored!.checkpointId).toBe(finalized);
      // b and y were in checkpoint N: restored from it, their transaction committed, not replayed.
      expect(source.restoredPositions).toEqual(expect.arrayContaining([{ subtask: 0, position: 2 }]));
      expect([...sink.committed].sort((p, q) => p.key.localeCompare(q.key))).toEqual(['a', 'b', 'boom', 'c', 'x', 'y', 'z'].map((key) => ({ key, count: 1 })));
      expect(sink.numStaged).toBe(0);
      expect(findLatestCompletedCheckpoint(storage)).toBe(path.join(storage, `chk-${stats.latestCompleted!.checkpointId}`));
    } finally {
      await h.close();
    }
  });
});
