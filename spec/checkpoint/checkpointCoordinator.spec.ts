import fs from 'fs';
import os from 'os';
import path from 'path';
import { SnapshotKind } from '../../lib/runtime/checkpoint/CheckpointBarrier';
import { CheckpointLocation } from '../../lib/runtime/checkpoint/CheckpointLocation';
import { CheckpointMetadata, CompletedCheckpoint, StateHandle, SubtaskCheckpointStats } from '../../lib/runtime/checkpoint/CheckpointMetadata';
import {
  CheckpointStorage,
  FileSystemCheckpointStorage,
  findLatestCompletedCheckpoint,
  MemoryCheckpointStorage,
  persistSubtaskState,
  readCheckpointDirectory,
  readStateHandle,
} from '../../lib/runtime/checkpoint/CheckpointStorage';
import { CoordinatorHarness } from '../harness/CoordinatorHarness';

function bytesOf(text: string): StateHandle {
  return { kind: 'bytes', bytes: Buffer.from(text) };
}

/** The state subtask `subtask` has in a completed checkpoint, as text. */
async function stateText(checkpoint: CompletedCheckpoint | undefined, subtask: number): Promise<string | null> {
  if (!checkpoint) throw new Error('no completed checkpoint');
  const handle = checkpoint.metadata.tasks[0].subtasks[subtask];
  return handle ? Buffer.from(await readStateHandle(checkpoint.externalPointer, handle)).toString() : null;
}

/** Writes a subtask's state where the barrier says (a directory, or in the acknowledgement). */
function stateAt(location: CheckpointLocation | undefined, subtask: number, text: string): Promise<StateHandle> {
  return persistSubtaskState(location, `subtask-${subtask}.state`, Buffer.from(text));
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * A file system storage whose finalization can be held after the directory was renamed to its
 * final name (and made to fail there), to interleave a failure with a checkpoint's completion.
 */
class HeldFinalizationStorage implements CheckpointStorage {
  readonly description = 'held finalization';
  private readonly inner: FileSystemCheckpointStorage;
  hold: { promise: Promise<void>; resolve: () => void } | undefined;
  renamed = deferred();
  failAfterRename: Error | undefined;

  constructor(readonly directory: string) {
    this.inner = new FileSystemCheckpointStorage(directory);
  }

  initializeLocation(checkpointId: number, kind: SnapshotKind, target: string | undefined, jobId: string): Promise<CheckpointLocation | undefined> {
    return this.inner.initializeLocation(checkpointId, kind, target, jobId);
  }

  async finalize(location: CheckpointLocation | undefined, metadata: CheckpointMetadata): Promise<string | undefined> {
    const pointer = await this.inner.finalize(location, metadata);
    this.renamed.resolve();
    if (this.hold) await this.hold.promise;
    if (this.failAfterRename) throw this.failAfterRename;
    return pointer;
  }

  discard(location: CheckpointLocation | undefined): Promise<void> {
    return this.inner.discard(location);
  }

  dispose(completed: CompletedCheckpoint): Promise<void> {
    return this.inner.dispose(completed);
  }
}

/** A file system storage whose deletions take a while (a slow or remote file system). */
class SlowDiscardStorage extends FileSystemCheckpointStorage {
  override async discard(location: CheckpointLocation | undefined): Promise<void> {
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    await super.discard(location);
  }
}

describe('CheckpointCoordinator', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-coord-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Triggers a checkpoint and acknowledges it for every running subtask with `label-subtask`. */
  async function completeCheckpoint(h: CoordinatorHarness, label: string): Promise<number> {
    h.trigger();
    await h.settle();
    const barrier = h.lastBarrier;
    for (let i = 0; i < h.keys.length; i++) {
      if (h.running.has(h.keys[i])) h.acknowledge(i, barrier.checkpointId, await stateAt(barrier.location, i, `${label}-${i}`));
    }
    await h.settle();
    return barrier.checkpointId;
  }

  describe('a failure while a checkpoint is being finalized', () => {
    it('completes the checkpoint whose directory was renamed before the abort: memory and disk agree, the sinks are not told to abort it', async () => {
      const storage = new HeldFinalizationStorage(dir);
      const h = new CoordinatorHarness(storage);
      expect(await completeCheckpoint(h, 'first')).toBe(1);

      storage.hold = deferred();
      storage.renamed = deferred();
      h.trigger();
      await h.settle();
      const barrier = h.lastBarrier;
      h.acknowledge(0, 2, await stateAt(barrier.location, 0, 'second-0'));
      h.acknowledge(1, 2, await stateAt(barrier.location, 1, 'second-1'));
      await storage.renamed.promise; // chk-2 is complete on disk; the coordinator has not heard yet
      h.failOver(); // a subtask failed: the JobMaster aborts what is pending
      const settled = h.coordinator.finalizationsSettled();
      let restartMayPick = false;
      void settled.then(() => (restartMayPick = true));
      await new Promise((resolve) => setImmediate(resolve));
      expect(restartMayPick).toBe(false); // a restart must not pick the latest checkpoint yet
      storage.hold.resolve();
      await settled;
      await h.settle();

      expect(h.coordinator.latestCompleted?.checkpointId).toBe(2);
      expect(await stateText(h.coordinator.latestCompleted, 1)).toBe('second-1');
      expect(h.notifiedAborted).not.toContain(2);
      expect(findLatestCompletedCheckpoint(dir)).toBe(path.join(dir, 'chk-2'));
      // Retention (one retained) removed chk-1: the restart and the next process start agree.
      expect(fs.readdirSync(dir).sort()).toEqual(['chk-2']);
    });

    it('aborts the checkpoint when its finalization fails after the abort, and leaves no directory that looks complete', async () => {
      const storage = new HeldFinalizationStorage(dir);
      const h = new CoordinatorHarness(storage);
      await completeCheckpoint(h, 'first');

      storage.hold = deferred();
      storage.renamed = deferred();
      storage.failAfterRename = new Error('the directory sync failed');
      h.trigger();
      await h.settle();
      const barrier = h.lastBarrier;
      h.acknowledge(0, 2, await stateAt(barrier.location, 0, 'second-0'));
      h.acknowledge(1, 2, await stateAt(barrier.location, 1, 'second-1'));
      await storage.renamed.promise;
      h.failOver();
      storage.hold.resolve();
      await h.coordinator.finalizationsSettled();
      await h.settle();

      expect(h.coordinator.latestCompleted?.checkpointId).toBe(1);
      expect(h.notifiedAborted).toContain(2);
      expect(h.notifiedComplete).not.toContain(2);
      expect(findLatestCompletedCheckpoint(dir)).toBe(path.join(dir, 'chk-1'));
      expect(fs.readdirSync(dir).sort()).toEqual(['chk-1']);
    });
  });

  describe("a finished subtask's state", () => {
    it('is the state it acknowledged in the savepoint it finished on, not the one of an earlier checkpoint', async () => {
      const h = new CoordinatorHarness(new MemoryCheckpointStorage());
      await completeCheckpoint(h, 'checkpoint1');
      // Subtask 0's input ended; the savepoint is its final snapshot.
      const savepoint = h.trigger('SAVEPOINT', path.join(dir, 'savepoints'));
      await h.settle();
      const barrier = h.lastBarrier;
      h.acknowledge(0, barrier.checkpointId, await stateAt(barrier.location, 0, 'final-0'));
      h.acknowledge(1, barrier.checkpointId, await stateAt(barrier.location, 1, 'savepoint-1'));
      await h.settle();
      expect(savepoint).toEqual([{ checkpointId: 2, path: expect.stringContaining('savepoint-') }]);
      h.finish(0);
      await h.settle();

      expect(await completeCheckpoint(h, 'checkpoint3')).toBe(3);
      expect(h.coordinator.latestCompleted?.checkpointId).toBe(3);
      expect(await stateText(h.coordinator.latestCompleted, 0)).toBe('final-0');
      expect(await stateText(h.coordinator.latestCompleted, 1)).toBe('checkpoint3-1');
    });

    it('is carried into every later checkpoint', async () => {
      const h = new CoordinatorHarness(new FileSystemCheckpointStorage(dir));
      await completeCheckpoint(h, 'checkpoint1');
      h.finish(0);
      await completeCheckpoint(h, 'checkpoint2');
      await completeCheckpoint(h, 'checkpoint3');
      // One retained: chk-1, whose file held the state, is gone; chk-3 stands alone.
      expect(fs.readdirSync(dir)).toEqual(['chk-3']);
      expect(await stateText(h.coordinator.latestCompleted, 0)).toBe('checkpoint1-0');
      expect(await stateText(h.coordinator.latestCompleted, 1)).toBe('checkpoint3-1');
    });
  });

  it('warns of a declined checkpoint once per distinct reason, and not of a subtask that merely cannot take part', async () => {
    const h = new CoordinatorHarness(new MemoryCheckpointStorage(), { tolerableCheckpointFailureNumber: 100 });
    const decline = async (subtask: number, reason: string, countsAsFailure = true): Promise<void> => {
      h.trigger();
      await h.settle();
      h.coordinator.decline(h.keys[subtask], h.lastBarrier.checkpointId, reason, countsAsFailure);
      await h.settle();
    };
    await decline(0, "ValueState 'count' for key 'a' could not be cloned");
    await decline(1, "ValueState 'count' for key 'a' could not be cloned");
    await decline(0, "ValueState 'count' for key 'a' could not be cloned");
    await decline(0, 'disk full');
    await decline(0, "task 'x' is INITIALIZING", false);
    expect(h.declineWarnings).toEqual([`1: subtask ${h.keys[0]}: ValueState 'count' for key 'a' could not be cloned`, `4: subtask ${h.keys[0]}: disk full`]);
  });

  it('lets a checkpoint complete when a subtask that had finished before a restart finishes again', async () => {
    const h = new CoordinatorHarness(new MemoryCheckpointStorage(), { timeoutMs: 600_000 });
    await completeCheckpoint(h, 'checkpoint1');
    h.finish(0);
    await h.settle();
    h.failOver();
    await h.settle();

    // The next attempt: both run; subtask 0 finishes again before it acknowledged checkpoint 2.
    h.trigger();
    await h.settle();
    const id = h.lastBarrier.checkpointId;
    h.acknowledge(1, id, bytesOf('checkpoint2-1'));
    h.finish(0);
    await h.settle();
    expect(h.coordinator.numberOfPendingCheckpoints).toBe(0);
    expect(h.coordinator.latestCompleted?.checkpointId).toBe(id);
    expect(h.notifiedComplete).toContain(id);
    expect(h.jobFailures).toEqual([]);
  });

  describe('completion', () => {
    it('a checkpoint whose metadata cannot be made durable fails its request and counts toward the tolerable failures', async () => {
      const storage = new HeldFinalizationStorage(dir);
      storage.failAfterRename = new Error('the directory sync failed');
      const h = new CoordinatorHarness(storage, { tolerableCheckpointFailureNumber: 0 });
      const outcome = h.trigger();
      await h.settle();
      const barrier = h.lastBarrier;
      h.acknowledge(0, barrier.checkpointId, await stateAt(barrier.location, 0, 'a'));
      h.acknowledge(1, barrier.checkpointId, await stateAt(barrier.location, 1, 'b'));
      await h.coordinator.finalizationsSettled();
      await h.settle();

      expect(outcome).toEqual([{ error: 'checkpoint 1 failed: cannot complete it: the directory sync failed' }]);
      expect(h.coordinator.latestCompleted).toBeUndefined();
      expect(h.notifiedAborted).toEqual([1]);
      expect(h.jobFailures.map((e) => e.message)).toEqual([
        'Exceeded checkpoint tolerable failure threshold (0); the latest checkpoint failed: cannot complete it: the directory sync failed',
      ]);
      expect(fs.readdirSync(dir)).toEqual([]);
    });

    it('a completed savepoint is not a checkpoint a failover restores from, and retention does not delete the checkpoint before it', async () => {
      const h = new CoordinatorHarness(new FileSystemCheckpointStorage(dir));
      await completeCheckpoint(h, 'checkpoint1');
      const savepoint = h.trigger('SAVEPOINT', path.join(dir, 'savepoints'));
      await h.settle();
      const barrier = h.lastBarrier;
      h.acknowledge(0, barrier.checkpointId, await stateAt(barrier.location, 0, 'savepoint-0'));
      h.acknowledge(1, barrier.checkpointId, await stateAt(barrier.location, 1, 'savepoint-1'));
      await h.settle();

      expect(savepoint).toEqual([{ checkpointId: 2, path: expect.stringContaining('savepoint-') }]);
      expect(h.notifiedComplete).toEqual([1, 2]);
      expect(h.coordinator.latestCompleted?.checkpointId).toBe(1);
      expect(fs.readdirSync(dir).sort()).toEqual(['chk-1', 'savepoints']);
    });

    it('records one subtask state per subtask of each task in the metadata a restore reads', async () => {
      const h = new CoordinatorHarness(new FileSystemCheckpointStorage(dir));
      await completeCheckpoint(h, 'checkpoint1');
      const metadata = h.coordinator.latestCompleted!.metadata;
      expect(metadata.tasks.map((t) => [t.parallelism, t.subtasks.length])).toEqual([[2, 2]]);
      expect(await stateText(h.coordinator.latestCompleted, 0)).toBe('checkpoint1-0');
      expect(await stateText(h.coordinator.latestCompleted, 1)).toBe('checkpoint1-1');
    });

    it("reports the checkpoint's state size as the sum of what its subtasks acknowledged", async () => {
      const h = new CoordinatorHarness(new MemoryCheckpointStorage());
      h.trigger();
      await h.settle();
      const stats = (stateSize: number): SubtaskCheckpointStats => ({ alignmentDurationMs: 0, syncDurationMs: 0, asyncDurationMs: 0, stateSize });
      h.coordinator.acknowledge(h.keys[0], 1, bytesOf('a'), stats(100));
      h.coordinator.acknowledge(h.keys[1], 1, bytesOf('b'), stats(23));
      await h.settle();
      expect(h.coordinator.latestCompleted?.stateSize).toBe(123);
      expect(h.coordinator.statsSnapshot().latestCompleted).toMatchObject({ checkpointId: 1, stateSize: 123, numSubtasks: 2 });
    });

    it('a subtask that finishes while others have not acknowledged does not complete the checkpoint without their state', async () => {
      const h = new CoordinatorHarness(new MemoryCheckpointStorage(), {}, 3);
      h.trigger();
      h.finish(2); // reported finished while the checkpoint's location is being prepared
      await h.settle();
      const id = h.lastBarrier.checkpointId;
      expect(h.coordinator.numberOfPendingCheckpoints).toBe(1);
      h.finish(1); // after the barriers went out
      await h.settle();
      expect(h.coordinator.numberOfPendingCheckpoints).toBe(1);
      expect(h.notifiedComplete).toEqual([]);
      h.acknowledge(0, id, bytesOf('state-0'));
      await h.settle();
      expect(h.notifiedComplete).toEqual([id]);
      expect(await stateText(h.coordinator.latestCompleted, 0)).toBe('state-0');
    });

    it('a finished subtask that acknowledged no state has none in later checkpoints', async () => {
      const h = new CoordinatorHarness(new FileSystemCheckpointStorage(dir));
      h.trigger();
      await h.settle();
      h.acknowledge(0, 1, undefined);
      h.acknowledge(1, 1, await stateAt(h.lastBarrier.location, 1, 'checkpoint1-1'));
      await h.settle();
      h.finish(0);
      expect(await completeCheckpoint(h, 'checkpoint2')).toBe(2);
      expect(h.coordinator.latestCompleted?.metadata.tasks[0].subtasks[0]).toBeNull();
      expect(await stateText(h.coordinator.latestCompleted, 1)).toBe('checkpoint2-1');
    });
  });

  it('a checkpoint whose every subtask finished while its location was prepared completes with their final states', async () => {
    const h = new CoordinatorHarness(new MemoryCheckpointStorage());
    await completeCheckpoint(h, 'checkpoint1');
    h.trigger();
    h.finish(0);
    h.finish(1);
    await h.settle();
    expect(h.notifiedComplete).toEqual([1, 2]);
    expect(await stateText(h.coordinator.latestCompleted, 0)).toBe('checkpoint1-0');
    expect(await stateText(h.coordinator.latestCompleted, 1)).toBe('checkpoint1-1');
  });

  it("a finished subtask's state in a directory checkpoint is read back from the directory alone, as a new process restores it", async () => {
    const h = new CoordinatorHarness(new FileSystemCheckpointStorage(dir));
    await completeCheckpoint(h, 'checkpoint1');
    h.finish(0);
    await completeCheckpoint(h, 'checkpoint2');
    const pointer = findLatestCompletedCheckpoint(dir)!;
    const metadata = await readCheckpointDirectory(pointer);
    const handle = metadata.tasks[0].subtasks[0]!;
    expect(Buffer.from(await readStateHandle(pointer, handle)).toString()).toBe('checkpoint1-0');
  });

  describe('a checkpoint aborted before its location was ready', () => {
    it('sends no barrier and leaves no directory once its storage work settled', async () => {
      const h = new CoordinatorHarness(new SlowDiscardStorage(dir));
      const outcome = h.trigger();
      h.failOver();
      await h.settle();
      expect(outcome).toEqual([{ error: 'checkpoint 1 failed: the job is failing over' }]);
      expect(h.triggered).toEqual([]);
      expect(h.notifiedAborted).toEqual([]); // no subtask saw its barrier
      expect(fs.readdirSync(dir)).toEqual([]);
      expect(await completeCheckpoint(h, 'next')).toBe(2);
    });

    it('fails once, not counted, when its storage then fails to prepare', async () => {
      const file = path.join(dir, 'a-file');
      fs.writeFileSync(file, 'not a directory');
      const h = new CoordinatorHarness(new FileSystemCheckpointStorage(file), { tolerableCheckpointFailureNumber: 0 });
      const outcome = h.trigger();
      h.failOver();
      await h.settle();
      expect(outcome).toEqual([{ error: 'checkpoint 1 failed: the job is failing over' }]);
      expect(h.jobFailures).toEqual([]);
      expect(h.coordinator.statsSnapshot().counts).toMatchObject({ triggered: 1, failed: 1, inProgress: 0 });
    });
  });

  it('ignores a decline or acknowledgement of a checkpoint that already ended or is unknown', async () => {
    const h = new CoordinatorHarness(new MemoryCheckpointStorage(), { timeoutMs: 300 });
    h.trigger();
    await h.settle();
    h.clock.advance(300); // checkpoint 1 expired
    await h.settle();
    expect(h.jobFailures).toHaveLength(1);
    h.coordinator.decline(h.keys[0], 1, 'late', true);
    h.coordinator.decline(h.keys[0], 42, 'unknown', true);
    h.acknowledge(1, 1, bytesOf('late'));
    h.acknowledge(1, 42, bytesOf('unknown'));
    await h.settle();
    expect(h.jobFailures).toHaveLength(1);
    expect(h.notifiedAborted).toEqual([1]);
  });

  describe('a savepoint that fails', () => {
    it('fails the savepoint request only: not counted as a failed checkpoint, the job goes on', async () => {
      const h = new CoordinatorHarness(new MemoryCheckpointStorage(), { tolerableCheckpointFailureNumber: 0 });
      const file = path.join(dir, 'a-file');
      fs.writeFileSync(file, 'not a directory');
      const outcome = h.trigger('SAVEPOINT', file);
      await h.settle();
      expect(outcome).toEqual([{ error: expect.stringMatching(/savepoint 1 failed: cannot prepare its storage: .*a-file/) }]);
      const noDirectory = h.trigger('SAVEPOINT', undefined);
      await h.settle();
      expect(noDirectory).toEqual([{ error: expect.stringMatching(/no savepoint directory/) }]);
      expect(h.jobFailures).toEqual([]);
      expect(await completeCheckpoint(h, 'after')).toBe(3);
      expect(h.coordinator.latestCompleted?.checkpointId).toBe(3);
    });

    it('replies with an error for a target under /proc, and later checkpoints go on', async () => {
      const h = new CoordinatorHarness(new FileSystemCheckpointStorage(dir), { tolerableCheckpointFailureNumber: 0 });
      const outcome = h.trigger('SAVEPOINT', `/proc/brook-no-such-dir-${process.pid}/savepoints`);
      await h.settle();
      expect(outcome).toEqual([{ error: expect.stringMatching(/savepoint 1 failed: cannot prepare its storage: .*\/proc\/brook-no-such-dir/) }]);
      expect(h.jobFailures).toEqual([]);
      expect(await completeCheckpoint(h, 'after')).toBe(2);
      expect(h.coordinator.latestCompleted?.checkpointId).toBe(2);
    });
  });
});
