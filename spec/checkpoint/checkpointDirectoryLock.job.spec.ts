import fs from 'fs';
import os from 'os';
import path from 'path';
import { LOCK_HOLDER_NAME, LOCK_NAME, LOCK_STALE_MS } from '../../lib/runtime/checkpoint/CheckpointDirectoryLock';
import { findLatestCompletedCheckpoint } from '../../lib/runtime/checkpoint/CheckpointStorage';
import { JobHarness } from '../harness/JobHarness';
import { TestSource } from '../harness/TestSource';
import { TransactionalCollectSink } from '../harness/TransactionalCollectSink';

/** TestSource → two-phase-commit sink, checkpointing every 100 ms into `dir`, resuming from its latest checkpoint. */
function defineJob(dir: string): { h: JobHarness; source: TestSource<string>; sink: TransactionalCollectSink<string> } {
  const h = new JobHarness();
  const source = new TestSource<string>();
  const sink = new TransactionalCollectSink<string>();
  h.env.enableCheckpointing(100);
  h.env.getCheckpointConfig().setCheckpointStorage(dir);
  const latest = findLatestCompletedCheckpoint(dir);
  if (latest) h.env.setSavepointRestoreSettings({ path: latest });
  h.env.fromSource(source, undefined, 'Test Source').uid('source').sinkTo(sink).uid('sink');
  return { h, source, sink };
}

describe('a checkpoint directory has one owner', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-chk-lock-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a second job on a directory in use, with a clear error, and lets a job take it once the first ended', async () => {
    const first = defineJob(dir);
    const second = defineJob(dir);
    try {
      first.source.emit('a');
      await first.h.start('first');
      await first.h.advance(100);
      expect((await first.h.client!.getCheckpointStats())!.latestCompleted?.checkpointId).toBe(1);

      await second.h.start('second');
      await second.h.advance(100);
      expect(second.h.client!.getJobStatus()).toBe('FAILED');
      await expect(second.h.client!.getJobExecutionResult()).rejects.toThrow(
        new RegExp(`checkpoint directory ${dir} is in use by another running job .*Stop that job first, or give this one another checkpoint directory`),
      );

      // The first job goes on undisturbed: its checkpoints continue, its output is committed once.
      first.source.emit('b');
      await first.h.advance(100);
      expect((await first.h.client!.getCheckpointStats())!.latestCompleted?.checkpointId).toBe(2);
      expect(first.sink.committed).toEqual(['a', 'b']);
      expect(second.sink.committed).toEqual([]);
      await first.h.client!.cancel();
      expect(fs.existsSync(path.join(dir, LOCK_NAME))).toBe(false);
    } finally {
      await first.h.close();
      await second.h.close();
    }

    const third = defineJob(dir);
    try {
      third.source.emit('c');
      await third.h.start('third');
      await third.h.advance(100);
      expect(third.h.client!.getJobStatus()).toBe('RUNNING');
      expect((await third.h.client!.getCheckpointStats())!.latestRestored?.checkpointId).toBe(2);
      expect(third.sink.committed).toEqual(['c']);
    } finally {
      await third.h.close();
    }
  });

  it('takes over the lock of a holder that died on another host once it went stale, not before', async () => {
    // What a process on another host leaves when it is killed: the lock, no longer refreshed.
    const lock = path.join(dir, LOCK_NAME);
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(dir, LOCK_HOLDER_NAME), JSON.stringify({ pid: 4242, hostname: 'another-host' }));
    const early = defineJob(dir);
    try {
      await early.h.start('while the lock is fresh');
      expect(early.h.client!.getJobStatus()).toBe('FAILED');
      await expect(early.h.client!.getJobExecutionResult()).rejects.toThrow(/is in use by another running job \(process 4242 on another-host\)/);
    } finally {
      await early.h.close();
    }
    expect(fs.existsSync(lock)).toBe(true);
    // Its mtime is what proper-lockfile judges staleness by: as if the stale timeout passed.
    const past = new Date(Date.now() - LOCK_STALE_MS - 1000);
    fs.utimesSync(lock, past, past);
    const late = defineJob(dir);
    try {
      late.source.emit('x');
      await late.h.start('after the stale timeout');
      await late.h.advance(100);
      expect(late.h.client!.getJobStatus()).toBe('RUNNING');
      expect(late.sink.committed).toEqual(['x']);
      expect(JSON.parse(fs.readFileSync(path.join(dir, LOCK_HOLDER_NAME), 'utf8'))).toEqual({ pid: process.pid, hostname: os.hostname() });
    } finally {
      await late.h.close();
    }
  });
});
