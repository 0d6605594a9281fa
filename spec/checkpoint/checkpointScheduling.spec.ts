import fs from 'fs';
import os from 'os';
import path from 'path';
import { StateHandle } from '../../lib/runtime/checkpoint/CheckpointMetadata';
import { FileSystemCheckpointStorage, MemoryCheckpointStorage } from '../../lib/runtime/checkpoint/CheckpointStorage';
import { CoordinatorHarness } from '../harness/CoordinatorHarness';

const STATE: StateHandle = { kind: 'bytes', bytes: Buffer.from('state') };

/** Every running subtask acknowledges checkpoint `id`, with in-memory state. */
async function acknowledgeAll(h: CoordinatorHarness, id: number): Promise<void> {
  for (let i = 0; i < h.keys.length; i++) if (h.running.has(h.keys[i])) h.acknowledge(i, id, STATE);
  await h.settle();
}

/**
 * Every running subtask acknowledges checkpoint `id` without state: where the storage is a
 * directory, a task writes its state to a file, which these specs do not need.
 */
async function acknowledgeAllStateless(h: CoordinatorHarness, id: number): Promise<void> {
  for (let i = 0; i < h.keys.length; i++) if (h.running.has(h.keys[i])) h.acknowledge(i, id, undefined);
  await h.settle();
}

/** Advances the manual clock by `ms`, running what falls due. */
async function advance(h: CoordinatorHarness, ms: number): Promise<void> {
  h.clock.advance(ms);
  await h.settle();
}

const triggeredIds = (h: CoordinatorHarness): number[] => h.triggered.map((b) => b.checkpointId);

describe('CheckpointCoordinator scheduling (Flink: interval, min pause, max concurrent, timeout, tolerable failures)', () => {
  it('triggers a checkpoint every interval, and none once the scheduler stopped', async () => {
    const h = new CoordinatorHarness(new MemoryCheckpointStorage());
    h.coordinator.startPeriodicScheduler();
    await advance(h, 999);
    expect(triggeredIds(h)).toEqual([]);
    await advance(h, 1);
    expect(triggeredIds(h)).toEqual([1]);
    await acknowledgeAll(h, 1);
    await advance(h, 1000);
    expect(triggeredIds(h)).toEqual([1, 2]);
    await acknowledgeAll(h, 2);
    h.coordinator.stopPeriodicScheduler();
    await advance(h, 5000);
    expect(triggeredIds(h)).toEqual([1, 2]);
  });

  it('waits the minimum pause after a checkpoint completed before the next periodic one', async () => {
    const h = new CoordinatorHarness(new MemoryCheckpointStorage(), { minPauseBetweenCheckpointsMs: 800 });
    h.coordinator.startPeriodicScheduler();
    await advance(h, 1000);
    await advance(h, 500);
    await acknowledgeAll(h, 1); // completes at 1500: the next may start at 2300, not at 2000
    await advance(h, 500);
    expect(triggeredIds(h)).toEqual([1]);
    await advance(h, 299);
    expect(triggeredIds(h)).toEqual([1]);
    await advance(h, 1);
    expect(triggeredIds(h)).toEqual([1, 2]);
  });

  it('with one checkpoint at a time, a periodic trigger while one is pending waits for it to end, then starts', async () => {
    const h = new CoordinatorHarness(new MemoryCheckpointStorage());
    h.coordinator.startPeriodicScheduler();
    await advance(h, 1000);
    await advance(h, 1500); // the trigger at 2000 finds checkpoint 1 pending
    expect(triggeredIds(h)).toEqual([1]);
    expect(h.coordinator.numberOfPendingCheckpoints).toBe(1);
    await acknowledgeAll(h, 1);
    expect(triggeredIds(h)).toEqual([1, 2]);
  });

  it('after a queued periodic trigger ran, the next one comes an interval later', async () => {
    const h = new CoordinatorHarness(new MemoryCheckpointStorage());
    h.coordinator.startPeriodicScheduler();
    await advance(h, 1000);
    await advance(h, 1500); // the trigger at 2000 waits for checkpoint 1
    await acknowledgeAll(h, 1); // at 2500: checkpoint 2 starts
    expect(triggeredIds(h)).toEqual([1, 2]);
    await acknowledgeAll(h, 2);
    await advance(h, 999);
    expect(triggeredIds(h)).toEqual([1, 2]);
    await advance(h, 1);
    expect(triggeredIds(h)).toEqual([1, 2, 3]);
  });

  it('a queued periodic trigger waits the minimum pause after the checkpoint it waited for', async () => {
    const h = new CoordinatorHarness(new MemoryCheckpointStorage(), { minPauseBetweenCheckpointsMs: 800 });
    h.coordinator.startPeriodicScheduler();
    await advance(h, 1000);
    await advance(h, 1500); // the trigger at 2000 waits for checkpoint 1
    await acknowledgeAll(h, 1); // completes at 2500: the queued one may start at 3300
    expect(triggeredIds(h)).toEqual([1]);
    await advance(h, 799);
    expect(triggeredIds(h)).toEqual([1]);
    await advance(h, 1);
    expect(triggeredIds(h)).toEqual([1, 2]);
  });

  it('a periodic trigger queued before the scheduler was stopped (a failover) does not fire early once it runs again', async () => {
    const h = new CoordinatorHarness(new MemoryCheckpointStorage());
    h.coordinator.startPeriodicScheduler();
    await advance(h, 2000); // checkpoint 1 at 1000 is pending; the trigger at 2000 waits for it
    h.coordinator.stopPeriodicScheduler();
    h.coordinator.startPeriodicScheduler(); // at 2000: the next one is due at 3000
    await advance(h, 500);
    await acknowledgeAll(h, 1);
    await advance(h, 499);
    expect(triggeredIds(h)).toEqual([1]);
    await advance(h, 1);
    expect(triggeredIds(h)).toEqual([1, 2]);
  });

  it('a scheduler stopped and started again triggers an interval after the start only', async () => {
    const h = new CoordinatorHarness(new MemoryCheckpointStorage());
    h.coordinator.startPeriodicScheduler();
    await advance(h, 500);
    h.coordinator.stopPeriodicScheduler();
    await advance(h, 100);
    h.coordinator.startPeriodicScheduler();
    h.coordinator.startPeriodicScheduler(); // already running: changes nothing
    await advance(h, 999);
    expect(triggeredIds(h)).toEqual([]);
    await advance(h, 1);
    expect(triggeredIds(h)).toEqual([1]);
  });

  it('once shut down, the coordinator fails what was pending without counting it, and starts nothing more', async () => {
    const h = new CoordinatorHarness(new MemoryCheckpointStorage(), { tolerableCheckpointFailureNumber: 0 });
    const outcome = h.trigger();
    await h.settle();
    h.coordinator.shutdownCoordinator('the job finished');
    expect(outcome).toEqual([{ error: 'checkpoint 1 failed: the job finished' }]);
    h.coordinator.startPeriodicScheduler();
    await advance(h, 5000);
    expect(triggeredIds(h)).toEqual([1]);
    expect(h.jobFailures).toEqual([]);
  });

  it('an on-demand snapshot is taken while a periodic checkpoint is pending (max concurrent does not apply)', async () => {
    const h = new CoordinatorHarness(new MemoryCheckpointStorage());
    h.coordinator.startPeriodicScheduler();
    await advance(h, 1000);
    const outcome = h.trigger();
    await h.settle();
    expect(triggeredIds(h)).toEqual([1, 2]);
    await acknowledgeAll(h, 2);
    expect(outcome).toEqual([{ checkpointId: 2, path: undefined }]);
  });

  it('a snapshot requested while the job cannot take one is refused with the reason; a periodic one is skipped', async () => {
    const h = new CoordinatorHarness(new MemoryCheckpointStorage());
    h.unavailable = 'subtask map.0 is deploying';
    expect(h.trigger()).toEqual([{ error: 'cannot take a checkpoint now: subtask map.0 is deploying' }]);
    h.coordinator.startPeriodicScheduler();
    await advance(h, 1000);
    expect(triggeredIds(h)).toEqual([]);
    h.unavailable = undefined;
    await advance(h, 1000);
    expect(triggeredIds(h)).toEqual([1]);
  });

  it('a periodic trigger after every source finished is skipped quietly', async () => {
    const h = new CoordinatorHarness(new MemoryCheckpointStorage());
    h.finish(0);
    h.finish(1);
    h.coordinator.startPeriodicScheduler();
    await advance(h, 3000);
    expect(triggeredIds(h)).toEqual([]);
    expect(h.jobFailures).toEqual([]);
  });

  it('a checkpoint whose storage cannot be prepared counts as a failed checkpoint', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-prepare-'));
    try {
      const file = path.join(dir, 'a-file');
      fs.writeFileSync(file, 'not a directory');
      const h = new CoordinatorHarness(new FileSystemCheckpointStorage(file), { tolerableCheckpointFailureNumber: 0 });
      h.trigger();
      await h.settle();
      expect(h.jobFailures.map((e) => e.message)).toEqual([
        expect.stringMatching(/tolerable failure threshold \(0\); the latest checkpoint failed: cannot prepare its storage/),
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('allows as many pending periodic checkpoints as configured, and no more', async () => {
    const h = new CoordinatorHarness(new MemoryCheckpointStorage(), { maxConcurrentCheckpoints: 2 });
    h.coordinator.startPeriodicScheduler();
    await advance(h, 3000);
    expect(triggeredIds(h)).toEqual([1, 2]);
    expect(h.coordinator.numberOfPendingCheckpoints).toBe(2);
  });

  it('aborts a checkpoint not acknowledged within the timeout, tells the subtasks, and fails the job when no failure is tolerated', async () => {
    const h = new CoordinatorHarness(new MemoryCheckpointStorage(), { timeoutMs: 300 });
    h.trigger();
    await h.settle();
    h.acknowledge(0, 1, STATE); // subtask 1 never acknowledges
    await advance(h, 299);
    expect(h.notifiedAborted).toEqual([]);
    await advance(h, 1);
    expect(h.coordinator.numberOfPendingCheckpoints).toBe(0);
    expect(h.notifiedAborted).toEqual([1]);
    expect(h.jobFailures.map((e) => e.message)).toEqual([
      'Exceeded checkpoint tolerable failure threshold (0); the latest checkpoint failed: checkpoint 1 expired before completing (timeout 300 ms)',
    ]);
  });

  it('tolerates as many failed checkpoints in a row as configured; a completed one starts the count again', async () => {
    const h = new CoordinatorHarness(new MemoryCheckpointStorage(), { tolerableCheckpointFailureNumber: 2 });
    const declined = async (): Promise<void> => {
      h.trigger();
      await h.settle();
      h.coordinator.decline(h.keys[0], h.lastBarrier.checkpointId, 'disk full', true);
      await h.settle();
    };
    await declined();
    await declined();
    h.trigger();
    await h.settle();
    await acknowledgeAll(h, h.lastBarrier.checkpointId);
    await declined();
    await declined();
    expect(h.jobFailures).toEqual([]);
    await declined();
    expect(h.jobFailures.map((e) => e.message)).toEqual([
      `Exceeded checkpoint tolerable failure threshold (2); the latest checkpoint failed: declined by subtask ${h.keys[0]}: disk full`,
    ]);
  });

  it('a decline that does not count as a failure aborts the checkpoint without failing the job', async () => {
    const h = new CoordinatorHarness(new MemoryCheckpointStorage());
    h.trigger();
    await h.settle();
    h.coordinator.decline(h.keys[1], 1, 'a newer barrier overtook it', false);
    await h.settle();
    expect(h.notifiedAborted).toEqual([1]);
    expect(h.jobFailures).toEqual([]);
  });

  it('a checkpoint whose every source finished is refused with a clear error', async () => {
    const h = new CoordinatorHarness(new MemoryCheckpointStorage());
    h.finish(0);
    h.finish(1);
    expect(h.trigger()).toEqual([{ error: 'cannot take a checkpoint now: every source has finished' }]);
    expect(h.coordinator.numberOfPendingCheckpoints).toBe(0);
  });

  describe('retention', () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-retention-'))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('keeps the configured number of completed checkpoints on disk, deleting the oldest', async () => {
      const h = new CoordinatorHarness(new FileSystemCheckpointStorage(dir), { numRetainedCheckpoints: 2 });
      for (let id = 1; id <= 4; id++) {
        h.trigger();
        await h.settle();
        await acknowledgeAllStateless(h, id);
      }
      expect(fs.readdirSync(dir).sort()).toEqual(['chk-3', 'chk-4']);
      expect(h.coordinator.latestCompleted?.checkpointId).toBe(4);
    });

    it('continues the checkpoint ids after a restored checkpoint, which falls under retention too', async () => {
      const h = new CoordinatorHarness(new FileSystemCheckpointStorage(dir));
      h.trigger();
      await h.settle();
      await acknowledgeAllStateless(h, 1);
      const restored = h.coordinator.latestCompleted!;
      const next = new CoordinatorHarness(new FileSystemCheckpointStorage(dir));
      next.coordinator.addRestoredCheckpoint({ ...restored, checkpointId: 7, externalPointer: restored.externalPointer });
      next.trigger();
      await next.settle();
      expect(next.lastBarrier.checkpointId).toBe(8);
      await acknowledgeAllStateless(next, 8);
      expect(fs.readdirSync(dir).sort()).toEqual(['chk-8']);
    });
  });
});
