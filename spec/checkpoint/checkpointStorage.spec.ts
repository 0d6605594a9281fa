import fs from 'fs';
import os from 'os';
import path from 'path';
import v8 from 'v8';
import { prepareRestore, readCompletedCheckpoint } from '../../lib/controlplane/restoreState';
import { CheckpointMetadata, CompletedCheckpoint, StateHandle } from '../../lib/runtime/checkpoint/CheckpointMetadata';
import {
  createCheckpointStorage,
  FileSystemCheckpointStorage,
  findLatestCompletedCheckpoint,
  highestCheckpointId,
  makeDirectories,
  METADATA_FILE,
  persistSubtaskState,
  readCheckpointDirectory,
  removeStaleInProgressCheckpoints,
  warnOnStderr,
} from '../../lib/runtime/checkpoint/CheckpointStorage';
import { serializeMetadata } from '../../lib/runtime/checkpoint/MetadataFile';
import { CoordinatorHarness } from '../harness/CoordinatorHarness';

/** A source's state as the task writes it: { [operatorId]: OperatorStateSnapshot }. */
function sourceState(position: number): Uint8Array {
  return v8.serialize({ source: { operator: [{ position: `position-${position}` }] } });
}

/** `_metadata` of a checkpoint without tasks, for calling the storage directly. */
function emptyMetadata(checkpointId: number): CheckpointMetadata {
  return { version: 2, jobName: 'j', checkpointId, timestamp: 0, kind: 'CHECKPOINT', tasks: [] };
}

/** What a directory holds, sorted. */
function entries(directory: string): string[] {
  return fs.readdirSync(directory).sort();
}

describe('file system checkpoint storage', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-storage-'))));
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Checkpoints 1..n, every one retained; subtask i of checkpoint k is at position 100 k + i.
   * One copy of every file: these tests are about a single copy (checkpointReplicas.spec reads
   * around a damaged one).
   */
  async function writeCheckpoints(n: number, numRetainedCheckpoints = n): Promise<CoordinatorHarness> {
    const h = new CoordinatorHarness(new FileSystemCheckpointStorage(dir, 1), { numRetainedCheckpoints });
    for (let k = 1; k <= n; k++) {
      h.trigger();
      await h.settle();
      const barrier = h.lastBarrier;
      for (let i = 0; i < h.keys.length; i++) {
        const handle: StateHandle = await persistSubtaskState(barrier.location, `subtask-${i}.state`, sourceState(100 * k + i));
        h.acknowledge(i, barrier.checkpointId, handle);
      }
      await h.settle();
    }
    expect(h.coordinator.latestCompleted?.checkpointId).toBe(n);
    return h;
  }

  /** Changes one digit of the position in a state file: v8 still reads it, as another position. */
  function corruptStateFile(checkpoint: number, subtask: number): void {
    const file = path.join(dir, `chk-${checkpoint}`, `subtask-${subtask}.state`);
    const bytes = fs.readFileSync(file);
    const at = bytes.indexOf(`position-${100 * checkpoint + subtask}`) + 'position-'.length;
    bytes[at] = bytes[at] === 0x39 ? 0x38 : bytes[at] + 1;
    fs.writeFileSync(file, bytes);
    const read = v8.deserialize(bytes) as { source: { operator: Array<{ position: string }> } };
    expect(read.source.operator[0].position).not.toBe(`position-${100 * checkpoint + subtask}`);
  }

  it('syncs the in-progress directory (its state files and _metadata) before renaming it, then syncs the parent', async () => {
    const events: string[] = [];
    const realOpen = fs.promises.open.bind(fs.promises);
    jest.spyOn(fs.promises, 'open').mockImplementation(async (file, flags, mode) => {
      const handle = await realOpen(file, flags, mode);
      const realSync = handle.sync.bind(handle);
      handle.sync = async (): Promise<void> => {
        events.push(`sync ${path.relative(dir, String(file)) || '.'}`);
        return realSync();
      };
      return handle;
    });
    const realRename = fs.promises.rename.bind(fs.promises);
    jest.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
      events.push(`rename ${path.relative(dir, String(from))} ${path.relative(dir, String(to))}`);
      return realRename(from, to);
    });
    await writeCheckpoints(1);
    expect(events).toEqual([
      'sync chk-1.inprogress/subtask-0.state',
      'sync chk-1.inprogress/subtask-1.state',
      `sync chk-1.inprogress/${METADATA_FILE}`,
      'sync chk-1.inprogress',
      'rename chk-1.inprogress chk-1',
      'sync .',
    ]);
  });

  it('never restores state bytes that fail their checksum, even when they still parse', async () => {
    await writeCheckpoints(1);
    corruptStateFile(1, 1);
    const checkpoint = await readCompletedCheckpoint(path.join(dir, 'chk-1'));
    const h = new CoordinatorHarness();
    await expect(prepareRestore(checkpoint, h.jobGraph, false)).rejects.toThrow(
      /state file .*chk-1\/subtask-1\.state is corrupt: its checksum is [0-9a-f]{64}, the checkpoint's metadata says [0-9a-f]{64}/,
    );
  });

  it('refuses _metadata whose bytes changed, and says which version it reads', async () => {
    await writeCheckpoints(1);
    const file = path.join(dir, 'chk-1', METADATA_FILE);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"checkpointId":1', '"checkpointId":7'));
    await expect(readCheckpointDirectory(path.join(dir, 'chk-1'))).rejects.toThrow(/_metadata is corrupt: its checksum is/);
    const { sha256: _checksum, ...metadata } = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(file, JSON.stringify({ ...metadata, version: 1 })); // as an earlier brook wrote it
    await expect(readCheckpointDirectory(path.join(dir, 'chk-1'))).rejects.toThrow(
      /metadata version 1, written by an earlier brook without checksums.*reads version 2 only/,
    );
  });

  it('restores from the newest checkpoint that checks out: never an in-progress one, one without _metadata, or one that fails a checksum; each skipped one is reported', async () => {
    await writeCheckpoints(6);
    const warnings: string[] = [];
    expect(findLatestCompletedCheckpoint(dir, (w) => warnings.push(w))).toBe(path.join(dir, 'chk-6'));
    expect(warnings).toEqual([]);

    // chk-7: renamed before its _metadata was written; chk-8 still in progress (complete files).
    fs.mkdirSync(path.join(dir, 'chk-7'));
    fs.cpSync(path.join(dir, 'chk-6'), path.join(dir, 'chk-8.inprogress'), { recursive: true });
    corruptStateFile(6, 0); // a state file whose bytes still parse
    fs.writeFileSync(path.join(dir, 'chk-5', METADATA_FILE), '{"version":2,"jobName":'); // torn _metadata
    fs.rmSync(path.join(dir, 'chk-4', 'subtask-1.state')); // a state file gone
    const metadata3 = path.join(dir, 'chk-3', METADATA_FILE);
    fs.writeFileSync(metadata3, fs.readFileSync(metadata3, 'utf8').replace('"timestamp":', '"timestamp":1')); // parses, checksum differs

    expect(findLatestCompletedCheckpoint(dir, (w) => warnings.push(w))).toBe(path.join(dir, 'chk-2'));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^checkpoint 7 at .*chk-7 cannot be restored \(it has no _metadata\); trying the one before it \(output committed after that one may be written again\)$/,
      ),
      expect.stringMatching(/^checkpoint 6 at .*chk-6 cannot be restored \(state file .*subtask-0\.state is corrupt/),
      expect.stringMatching(/^checkpoint 5 at .*chk-5 cannot be restored \(.*_metadata is not valid checkpoint metadata/),
      expect.stringMatching(/^checkpoint 4 at .*chk-4 cannot be restored \(ENOENT.*subtask-1\.state/),
      expect.stringMatching(/^checkpoint 3 at .*chk-3 cannot be restored \(.*_metadata is corrupt: its checksum is/),
    ]);
    const restored = await readCompletedCheckpoint(findLatestCompletedCheckpoint(dir, () => undefined)!);
    const h = new CoordinatorHarness();
    const prepared = await prepareRestore(restored, h.jobGraph, true);
    expect(prepared.checkpoint.checkpointId).toBe(2);
  });

  it('writes _metadata whose checksum covers every field', () => {
    const text = serializeMetadata({ version: 2, jobName: 'j', checkpointId: 3, timestamp: 4, kind: 'CHECKPOINT', tasks: [] }).toString();
    expect(JSON.parse(text)).toEqual({
      version: 2,
      jobName: 'j',
      checkpointId: 3,
      timestamp: 4,
      kind: 'CHECKPOINT',
      tasks: [],
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('closes every file and directory it opens to write and sync a checkpoint', async () => {
    let open = 0;
    const realOpen = fs.promises.open.bind(fs.promises);
    jest.spyOn(fs.promises, 'open').mockImplementation(async (file, flags, mode) => {
      const handle = await realOpen(file, flags, mode);
      open++;
      const realClose = handle.close.bind(handle);
      handle.close = async (): Promise<void> => {
        open--;
        return realClose();
      };
      return handle;
    });
    await writeCheckpoints(2);
    expect(open).toBe(0);
  });

  it('prepares a checkpoint in an empty chk-N.inprogress, even where a crashed attempt left files under that name', async () => {
    const storage = new FileSystemCheckpointStorage(dir, 3);
    const stale = path.join(dir, 'chk-3.inprogress');
    fs.mkdirSync(stale);
    fs.writeFileSync(path.join(stale, 'subtask-0.state'), 'from the crashed attempt');
    expect(await storage.initializeLocation(3, 'CHECKPOINT', path.join(dir, 'savepoints'), 'f0f0f0f0-job')).toEqual({ directory: stale, replicas: 3 });
    expect(entries(stale)).toEqual([]);
  });

  it('prepares a savepoint in its own directory under the target, never under the checkpoint directory', async () => {
    const target = path.join(dir, 'savepoints', 'nested');
    const location = await new FileSystemCheckpointStorage(dir, 3).initializeLocation(4, 'SAVEPOINT', target, 'f0f0f0f0-job');
    expect(path.dirname(location.directory)).toBe(target);
    expect(path.basename(location.directory)).toMatch(/^savepoint-f0f0f0-[0-9a-f]{8}-[0-9a-f]{3}\.inprogress$/);
    expect(location.replicas).toBe(3);
    expect(entries(location.directory)).toEqual([]);
    expect(entries(dir)).toEqual(['savepoints']);
  });

  it('finalizing replaces whatever was under the final name', async () => {
    const storage = new FileSystemCheckpointStorage(dir, 1);
    fs.mkdirSync(path.join(dir, 'chk-1'));
    fs.writeFileSync(path.join(dir, 'chk-1', 'subtask-9.state'), 'stale');
    const location = await storage.initializeLocation(1, 'CHECKPOINT', undefined, 'f0f0f0f0-job');
    await persistSubtaskState(location, 'subtask-0.state', sourceState(100));
    expect(await storage.finalize(location, emptyMetadata(1))).toBe(path.join(dir, 'chk-1'));
    expect(entries(dir)).toEqual(['chk-1']);
    expect(entries(path.join(dir, 'chk-1'))).toEqual([METADATA_FILE, 'subtask-0.state']);
  });

  it('discarding a checkpoint removes it under its in-progress name and, when it was renamed already, under its final name; nothing else', async () => {
    const storage = new FileSystemCheckpointStorage(dir, 1);
    const locations = [];
    for (const id of [1, 2, 3]) {
      const location = await storage.initializeLocation(id, 'CHECKPOINT', undefined, 'f0f0f0f0-job');
      await persistSubtaskState(location, 'subtask-0.state', sourceState(100 * id));
      locations.push(location);
    }
    await storage.finalize(locations[0], emptyMetadata(1));
    await storage.finalize(locations[1], emptyMetadata(2)); // its completion fails after the rename
    expect(entries(dir)).toEqual(['chk-1', 'chk-2', 'chk-3.inprogress']);
    await storage.discard(locations[1]);
    await storage.discard(locations[2]);
    await storage.discard(undefined);
    expect(entries(dir)).toEqual(['chk-1']);
    expect(entries(path.join(dir, 'chk-1'))).toEqual([METADATA_FILE, 'subtask-0.state']);
  });

  it('retention deletes the checkpoints beyond the retained ones, and never a savepoint', async () => {
    await writeCheckpoints(4, 2);
    expect(entries(dir)).toEqual(['chk-3', 'chk-4']);

    const storage = new FileSystemCheckpointStorage(dir, 1);
    const location = await storage.initializeLocation(5, 'SAVEPOINT', path.join(dir, 'savepoints'), 'f0f0f0f0-job');
    await persistSubtaskState(location, 'subtask-0.state', sourceState(500));
    const savepoint = await storage.finalize(location, { ...emptyMetadata(5), kind: 'SAVEPOINT' });
    const completed = (kind: CompletedCheckpoint['kind'], externalPointer: string): CompletedCheckpoint => {
      const metadata = { ...emptyMetadata(5), kind };
      return { checkpointId: 5, timestamp: 0, completionTime: 0, kind, externalPointer, metadata, stateSize: 0 };
    };
    await storage.dispose(completed('SAVEPOINT', savepoint));
    await storage.dispose(completed('SAVEPOINT_SUSPEND', savepoint));
    expect(entries(savepoint)).toEqual([METADATA_FILE, 'subtask-0.state']);
    await storage.dispose(completed('CHECKPOINT', path.join(dir, 'chk-3')));
    await storage.dispose(completed('CHECKPOINT', path.join(dir, 'chk-3'))); // deleted by hand meanwhile
    expect(entries(dir)).toEqual(['chk-4', 'savepoints']);
  });

  it('restores a checkpoint named by its _metadata file, and refuses a directory without one as not completed', async () => {
    await writeCheckpoints(1);
    expect((await readCheckpointDirectory(path.join(dir, 'chk-1', METADATA_FILE))).checkpointId).toBe(1);
    fs.cpSync(path.join(dir, 'chk-1'), path.join(dir, 'chk-2.inprogress'), { recursive: true });
    fs.rmSync(path.join(dir, 'chk-2.inprogress', METADATA_FILE));
    await expect(readCheckpointDirectory(path.join(dir, 'chk-2.inprogress'))).rejects.toThrow(
      /^cannot restore from .*chk-2\.inprogress: no _metadata \(ENOENT.*\); it is not a completed checkpoint or savepoint$/,
    );
  });

  it('finds no checkpoint in a directory that does not exist yet, without a warning', () => {
    const warnings: string[] = [];
    expect(findLatestCompletedCheckpoint(path.join(dir, 'not-yet'), (w) => warnings.push(w))).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('takes checkpoint 10 over checkpoint 9, and only chk-N directories as checkpoints', async () => {
    await writeCheckpoints(10);
    fs.cpSync(path.join(dir, 'chk-10'), path.join(dir, 'backup-chk-12'), { recursive: true });
    fs.cpSync(path.join(dir, 'chk-10'), path.join(dir, 'chk-13-copy'), { recursive: true });
    const warnings: string[] = [];
    expect(findLatestCompletedCheckpoint(dir, (w) => warnings.push(w))).toBe(path.join(dir, 'chk-10'));
    expect(warnings).toEqual([]);
  });

  it('restores a checkpoint in which a subtask had no state', async () => {
    const h = new CoordinatorHarness(new FileSystemCheckpointStorage(dir, 1));
    h.trigger();
    await h.settle();
    const barrier = h.lastBarrier;
    h.acknowledge(0, barrier.checkpointId, await persistSubtaskState(barrier.location, 'subtask-0.state', sourceState(100)));
    h.acknowledge(1, barrier.checkpointId, undefined);
    await h.settle();
    const warnings: string[] = [];
    const latest = findLatestCompletedCheckpoint(dir, (w) => warnings.push(w));
    expect(latest).toBe(path.join(dir, 'chk-1'));
    expect(warnings).toEqual([]);
    const prepared = await prepareRestore(await readCompletedCheckpoint(latest!), h.jobGraph, false);
    expect([...prepared.assignments.values()].map((r) => r.operators.source.operator)).toEqual([[{ position: 'position-100' }], []]);
  });

  it('numbers new checkpoints above every chk-N a directory holds, complete or in progress', () => {
    expect(highestCheckpointId(path.join(dir, 'not-yet'))).toBe(0);
    expect(highestCheckpointId(dir)).toBe(0);
    for (const name of [
      'chk-5',
      'chk-12.inprogress',
      'chk-3',
      'savepoint-f0f0f0-1234.inprogress',
      'backup-chk-99',
      'chk-40-copy',
      'chk-50.inprogress.old',
      'chk-x',
    ]) {
      fs.mkdirSync(path.join(dir, name));
    }
    expect(highestCheckpointId(dir)).toBe(12);
    fs.rmSync(path.join(dir, 'chk-12.inprogress'), { recursive: true });
    expect(highestCheckpointId(dir)).toBe(5);
  });

  it('removes the in-progress checkpoints a crashed process left, and nothing else', () => {
    expect(removeStaleInProgressCheckpoints(path.join(dir, 'not-yet'))).toBe(0);
    const kept = ['chk-5', 'savepoint-f0f0f0-1234.inprogress', 'backup-chk-7.inprogress', 'chk-8.inprogress.old', 'chk-x.inprogress'];
    for (const name of [...kept, 'chk-6.inprogress', 'chk-12.inprogress']) {
      fs.mkdirSync(path.join(dir, name));
      fs.writeFileSync(path.join(dir, name, 'subtask-0.state'), 'bytes');
    }
    expect(removeStaleInProgressCheckpoints(dir)).toBe(2);
    expect(entries(dir)).toEqual([...kept].sort());
  });

  it('warns on stderr, prefixed so that a user sees where the warning comes from', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    warnOnStderr('checkpoint 7 cannot be restored');
    expect(write.mock.calls).toEqual([['brook: warning: checkpoint 7 cannot be restored\n']]);
  });

  describe('creating directories', () => {
    it('creates every missing level, and takes a directory that exists', async () => {
      const nested = path.join(dir, 'a', 'b', 'c');
      await makeDirectories(nested);
      expect(fs.statSync(nested).isDirectory()).toBe(true);
      await makeDirectories(nested);
      await makeDirectories(dir);
    });

    it('refuses a path where a file is, or under a file, naming the reason', async () => {
      const file = path.join(dir, 'a-file');
      fs.writeFileSync(file, '');
      await expect(makeDirectories(file)).rejects.toThrow(`cannot create directory ${file}: a file of that name exists`);
      await expect(makeDirectories(path.join(file, 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR' });
    });

    it('fails at once under /proc, where a directory cannot be made', async () => {
      await expect(makeDirectories(`/proc/brook-no-such-dir-${process.pid}/savepoints`)).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('takes the directory made by another process at the same moment', async () => {
      const parent = path.join(dir, 'savepoints');
      const target = path.join(parent, 'savepoint-1');
      const realMkdir = fs.promises.mkdir.bind(fs.promises);
      jest.spyOn(fs.promises, 'mkdir').mockImplementation(async (p, options) => {
        const made = await realMkdir(p, options);
        // The other process makes the target as soon as its parent exists.
        if (p === parent) await realMkdir(target);
        return made;
      });
      await makeDirectories(target);
      expect(fs.statSync(target).isDirectory()).toBe(true);
    });
  });
});

describe('in-memory checkpoint storage', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-storage-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps checkpoints out of the file system: the state travels as bytes, and is restored from them', async () => {
    const h = new CoordinatorHarness(createCheckpointStorage({ type: 'memory' }));
    h.trigger();
    await h.settle();
    const barrier = h.lastBarrier;
    expect(barrier.location).toBeUndefined();
    for (let i = 0; i < h.keys.length; i++) {
      const handle = await persistSubtaskState(barrier.location, `subtask-${i}.state`, sourceState(100 + i));
      expect(handle).toEqual({ kind: 'bytes', bytes: sourceState(100 + i) });
      h.acknowledge(i, barrier.checkpointId, handle);
    }
    await h.settle();
    const completed = h.coordinator.latestCompleted!;
    expect(completed.externalPointer).toBeUndefined();
    const prepared = await prepareRestore(completed, h.jobGraph, false);
    expect([...prepared.assignments.values()].map((r) => r.operators.source.operator)).toEqual([
      [{ position: 'position-100' }],
      [{ position: 'position-101' }],
    ]);
  });

  it('writes a savepoint to a directory of its target, in the configured number of copies; without a target it is refused', async () => {
    const storage = createCheckpointStorage({ type: 'memory', replicas: 3 });
    await expect(storage.initializeLocation(2, 'SAVEPOINT', undefined, 'f0f0f0f0-job')).rejects.toThrow(
      /^no savepoint directory: pass one to triggerSavepoint/,
    );
    const location = await storage.initializeLocation(2, 'SAVEPOINT', dir, 'f0f0f0f0-job');
    expect(location).toEqual({ directory: expect.stringMatching(/savepoint-f0f0f0-[0-9a-f-]{12}\.inprogress$/), replicas: 3 });
    const savepoint = await storage.finalize(location, { ...emptyMetadata(2), kind: 'SAVEPOINT' });
    expect(entries(savepoint!)).toEqual([METADATA_FILE, `${METADATA_FILE}.replica-1`, `${METADATA_FILE}.replica-2`]);
    const failed = await storage.initializeLocation(3, 'SAVEPOINT', dir, 'f0f0f0f0-job');
    await storage.discard(failed);
    expect(entries(dir)).toEqual([path.basename(savepoint!)]);
  });

  it('refuses a number of copies that is not a positive integer', () => {
    expect(() => createCheckpointStorage({ type: 'memory', replicas: 0 })).toThrow(/checkpoint storage replicas must be a positive integer/);
  });
});
