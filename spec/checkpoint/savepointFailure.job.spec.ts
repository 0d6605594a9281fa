import fs from 'fs';
import os from 'os';
import path from 'path';
import { JobHarness } from '../harness/JobHarness';
import { ReplayableTestSource } from '../harness/ReplayableTestSource';
import { TransactionalCollectSink } from '../harness/TransactionalCollectSink';

describe('a savepoint that fails, on a whole job', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-sp-fail-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('fails only its request: the job is not restarted, and later checkpoints and savepoints complete', async () => {
    const h = new JobHarness({ parallelism: 1 });
    const source = new ReplayableTestSource<string>();
    const sink = new TransactionalCollectSink<string>();
    try {
      h.env.enableCheckpointing(100);
      h.env.getCheckpointConfig().setCheckpointStorage(path.join(dir, 'checkpoints')).setTolerableCheckpointFailureNumber(0);
      h.env.setRestartStrategy({ type: 'fixed-delay', attempts: 3, delayMs: 10 });
      h.env.fromSource(source, undefined, 'Log').uid('log').sinkTo(sink).uid('sink');
      await h.start();
      source.append(0, 'a');
      await h.advance(150);
      const file = path.join(dir, 'a-file');
      fs.writeFileSync(file, 'not a directory');

      for (const [target, error] of [
        [file, /savepoint \d+ failed: cannot prepare its storage: .*a-file/],
        [undefined, /no savepoint directory/],
        [`/proc/brook-no-such-dir-${process.pid}/savepoints`, /savepoint \d+ failed: cannot prepare its storage: .*\/proc\/brook-no-such-dir/],
      ] as const) {
        const savepoint = h.client!.triggerSavepoint(target);
        savepoint.catch(() => undefined);
        await h.settle();
        await expect(savepoint).rejects.toThrow(error);
        expect(h.client!.getJobStatus()).toBe('RUNNING');
      }
      const stats = (await h.client!.getCheckpointStats())!;
      source.append(0, 'b');
      await h.advance(150);
      expect((await h.client!.getCheckpointStats())!.latestCompleted!.checkpointId).toBeGreaterThan(stats.latestCompleted!.checkpointId);
      const savepoint = h.client!.triggerSavepoint(path.join(dir, 'savepoints'));
      await h.settle();
      expect(await savepoint).toContain('savepoint-');
      source.end(0);
      const result = await h.result();
      expect(result.numRestarts).toBe(0);
      expect(sink.committed).toEqual(['a', 'b']);
    } finally {
      await h.close();
    }
  });
});
