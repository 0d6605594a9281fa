import fs from 'fs';
import os from 'os';
import path from 'path';
import v8 from 'v8';
import { PreparedRestore, prepareRestore, readCompletedCheckpoint } from '../../lib/controlplane/restoreState';
import { CheckpointConfig } from '../../lib/api/CheckpointConfig';
import {
  CheckpointStorage,
  createCheckpointStorage,
  FileSystemCheckpointStorage,
  findLatestCompletedCheckpoint,
  METADATA_FILE,
  MemoryCheckpointStorage,
  persistSubtaskState,
} from '../../lib/runtime/checkpoint/CheckpointStorage';
import { CoordinatorHarness } from '../harness/CoordinatorHarness';

/** A source's state as the task writes it: { [operatorId]: OperatorStateSnapshot }. */
function sourceState(position: number): Uint8Array {
  return v8.serialize({ source: { operator: [{ position: `position-${position}` }] } });
}

/** Flips one byte in the middle of a file: its length stays, its checksum does not. */
function flipByte(file: string): void {
  const bytes = fs.readFileSync(file);
  bytes[bytes.length >> 1] ^= 0x5a;
  fs.writeFileSync(file, bytes);
}

/** The positions every source subtask restores, by subtask index. */
function restoredPositions(prepared: PreparedRestore): unknown[] {
  return [...prepared.assignments.values()].map((r) => r.operators.source.operator);
}

describe('checkpoint files in several copies', () => {
  let dir: string;
  let warnings: string[];
  const warn = (w: string): void => void warnings.push(w);
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-replicas-'));
    warnings = [];
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Snapshots 1..n into `storage` (savepoints into `savepointDir`), every one retained; subtask
   * i of snapshot k is at position 100 k + i. Returns the completed directories, oldest first.
   */
  async function writeSnapshots(n: number, storage: CheckpointStorage, savepointDir?: string): Promise<{ h: CoordinatorHarness; pointers: string[] }> {
    const h = new CoordinatorHarness(storage, { numRetainedCheckpoints: n });
    const pointers: string[] = [];
    for (let k = 1; k <= n; k++) {
      const outcomes = h.trigger(savepointDir === undefined ? 'CHECKPOINT' : 'SAVEPOINT', savepointDir);
      await h.settle();
      const barrier = h.lastBarrier;
      for (let i = 0; i < h.keys.length; i++)
        h.acknowledge(i, barrier.checkpointId, await persistSubtaskState(barrier.location, `subtask-${i}.state`, sourceState(100 * k + i)));
      await h.settle();
      const outcome = outcomes[0];
      if (!outcome || !('path' in outcome) || outcome.path === undefined) throw new Error(`snapshot ${k} did not complete: ${JSON.stringify(outcome)}`);
      pointers.push(outcome.path);
    }
    return { h, pointers };
  }

  /** Reads a completed directory and deals its state out, as a restore does. */
  async function restore(h: CoordinatorHarness, pointer: string): Promise<PreparedRestore> {
    return prepareRestore(await readCompletedCheckpoint(pointer, warn), h.jobGraph, false, warn);
  }

  it('writes every state file and _metadata in two copies by default, each synced before the directory is synced and renamed', async () => {
    const synced: string[] = [];
    const realOpen = fs.promises.open.bind(fs.promises);
    jest.spyOn(fs.promises, 'open').mockImplementation(async (file, flags, mode) => {
      const handle = await realOpen(file, flags, mode);
      const realSync = handle.sync.bind(handle);
      handle.sync = async (): Promise<void> => {
        synced.push(`sync ${path.relative(dir, String(file)) || '.'}`);
        return realSync();
      };
      return handle;
    });
    const realRename = fs.promises.rename.bind(fs.promises);
    jest.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
      synced.push(`rename ${path.relative(dir, String(from))} ${path.relative(dir, String(to))}`);
      return realRename(from, to);
    });
    await writeSnapshots(1, createCheckpointStorage({ type: 'filesystem', directory: dir }));

    const directorySync = synced.indexOf('sync chk-1.inprogress');
    // Copies of one file are written at once: their order among themselves is free.
    expect(synced.slice(0, directorySync).sort()).toEqual(
      ['subtask-0.state', 'subtask-0.state.replica-1', 'subtask-1.state', 'subtask-1.state.replica-1', METADATA_FILE, `${METADATA_FILE}.replica-1`]
        .map((f) => `sync chk-1.inprogress/${f}`)
        .sort(),
    );
    expect(synced.slice(directorySync)).toEqual(['sync chk-1.inprogress', 'rename chk-1.inprogress chk-1', 'sync .']);
    const chk1 = path.join(dir, 'chk-1');
    for (const f of ['subtask-0.state', 'subtask-1.state', METADATA_FILE]) {
      expect(fs.readFileSync(path.join(chk1, `${f}.replica-1`))).toEqual(fs.readFileSync(path.join(chk1, f)));
    }
  });

  it('restores a checkpoint whose state file has flipped bytes exactly from its replica, warning about the copy it skipped', async () => {
    const { h } = await writeSnapshots(2, new FileSystemCheckpointStorage(dir, 2));
    const chk2 = path.join(dir, 'chk-2');
    const intact = restoredPositions(await restore(h, chk2));
    expect(intact).toEqual([[{ position: 'position-200' }], [{ position: 'position-201' }]]);
    expect(warnings).toEqual([]);

    flipByte(path.join(chk2, 'subtask-1.state'));
    expect(findLatestCompletedCheckpoint(dir, warn)).toBe(chk2);
    expect(warnings).toEqual([]);
    expect(restoredPositions(await restore(h, chk2))).toEqual(intact);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^checkpoint 2: state file .*chk-2\/subtask-1\.state is corrupt: its checksum is [0-9a-f]{64}, the checkpoint's metadata says [0-9a-f]{64}; reading its copy subtask-1\.state\.replica-1 instead$/,
      ),
    ]);

    // A copy that is gone is read around the same way.
    warnings = [];
    fs.rmSync(path.join(chk2, 'subtask-0.state'));
    expect(findLatestCompletedCheckpoint(dir, warn)).toBe(chk2);
    expect(restoredPositions(await restore(h, chk2))).toEqual(intact);
    expect(warnings).toEqual([
      expect.stringMatching(/^checkpoint 2: ENOENT.*chk-2\/subtask-0\.state'; reading its copy subtask-0\.state\.replica-1 instead$/),
      expect.stringMatching(/^checkpoint 2: state file .*subtask-1\.state is corrupt/),
    ]);
  });

  it('reads a torn _metadata, or one that fails its checksum, from its replica, warning about the copy it skipped', async () => {
    const { h } = await writeSnapshots(2, new FileSystemCheckpointStorage(dir, 2));
    const chk2 = path.join(dir, 'chk-2');
    const metadata = path.join(chk2, METADATA_FILE);
    const intact = restoredPositions(await restore(h, chk2));

    fs.truncateSync(metadata, 40); // torn
    expect(findLatestCompletedCheckpoint(dir, warn)).toBe(chk2);
    expect(warnings).toEqual([]);
    const restored = await restore(h, chk2);
    expect(restored.checkpoint.checkpointId).toBe(2);
    expect(restoredPositions(restored)).toEqual(intact);
    expect(warnings).toEqual([
      expect.stringMatching(/^checkpoint 2: .*chk-2\/_metadata is not valid checkpoint metadata: .*; reading its copy _metadata\.replica-1 instead$/),
    ]);

    warnings = [];
    fs.copyFileSync(path.join(chk2, `${METADATA_FILE}.replica-1`), metadata);
    fs.writeFileSync(metadata, fs.readFileSync(metadata, 'utf8').replace('"timestamp":', '"timestamp":1')); // parses, checksum differs
    expect(findLatestCompletedCheckpoint(dir, warn)).toBe(chk2);
    expect(restoredPositions(await restore(h, chk2))).toEqual(intact);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^checkpoint 2: .*chk-2\/_metadata is corrupt: its checksum is [0-9a-f]{64}, it says [0-9a-f]{64}; reading its copy _metadata\.replica-1 instead$/,
      ),
    ]);
  });

  it('falls back to the checkpoint before, with its warning, only when every copy of a file fails', async () => {
    const { h } = await writeSnapshots(3, new FileSystemCheckpointStorage(dir, 2));
    flipByte(path.join(dir, 'chk-3', 'subtask-0.state'));
    flipByte(path.join(dir, 'chk-3', 'subtask-0.state.replica-1'));
    fs.truncateSync(path.join(dir, 'chk-2', METADATA_FILE), 40);
    flipByte(path.join(dir, 'chk-2', `${METADATA_FILE}.replica-1`));

    expect(findLatestCompletedCheckpoint(dir, warn)).toBe(path.join(dir, 'chk-1'));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^checkpoint 3 at .*chk-3 cannot be restored \(every copy of .*chk-3\/subtask-0\.state fails: state file .*subtask-0\.state is corrupt: .*; state file .*subtask-0\.state\.replica-1 is corrupt: .*\); trying the one before it \(output committed after that one may be written again\)$/,
      ),
      expect.stringMatching(
        /^checkpoint 2 at .*chk-2 cannot be restored \(every copy of .*chk-2\/_metadata fails: .*_metadata is not valid checkpoint metadata: .*; .*_metadata\.replica-1 (is corrupt|is not valid).*\); trying the one before it/,
      ),
    ]);
    await expect(restore(h, path.join(dir, 'chk-3'))).rejects.toThrow(/every copy of .*chk-3\/subtask-0\.state fails/);
    await expect(readCompletedCheckpoint(path.join(dir, 'chk-2'), warn)).rejects.toThrow(/cannot restore from .*chk-2: every copy of .*_metadata fails/);
    expect(restoredPositions(await restore(h, path.join(dir, 'chk-1')))).toEqual([[{ position: 'position-100' }], [{ position: 'position-101' }]]);
  });

  it('with replicas 1 writes a single copy of every file, and one corrupt file makes the checkpoint unusable', async () => {
    const { h } = await writeSnapshots(2, new FileSystemCheckpointStorage(dir, 1));
    const chk2 = path.join(dir, 'chk-2');
    expect(fs.readdirSync(chk2).sort()).toEqual([METADATA_FILE, 'subtask-0.state', 'subtask-1.state']);
    // The metadata is as a single-copy storage always wrote it: no list of replicas.
    expect(fs.readFileSync(path.join(chk2, METADATA_FILE), 'utf8')).not.toContain('replicas');

    flipByte(path.join(chk2, 'subtask-1.state'));
    expect(findLatestCompletedCheckpoint(dir, warn)).toBe(path.join(dir, 'chk-1'));
    expect(warnings).toEqual([
      expect.stringMatching(/^checkpoint 2 at .*chk-2 cannot be restored \(state file .*subtask-1\.state is corrupt: .*\); trying the one before it/),
    ]);
    await expect(restore(h, chk2)).rejects.toThrow(/state file .*chk-2\/subtask-1\.state is corrupt/);
  });

  it('writes savepoints in copies too: one restored by path reads around a damaged copy of a state file and of _metadata', async () => {
    const savepoints = path.join(dir, 'savepoints');
    const { h, pointers } = await writeSnapshots(1, new MemoryCheckpointStorage(), savepoints);
    const savepoint = pointers[0];
    expect(path.dirname(savepoint)).toBe(savepoints);
    flipByte(path.join(savepoint, 'subtask-0.state'));
    flipByte(path.join(savepoint, METADATA_FILE));

    expect(restoredPositions(await restore(h, savepoint))).toEqual([[{ position: 'position-100' }], [{ position: 'position-101' }]]);
    expect(warnings).toEqual([
      expect.stringMatching(new RegExp(`^savepoint 1: ${savepoint}/_metadata .*; reading its copy _metadata\\.replica-1 instead$`)),
      expect.stringMatching(/^savepoint 1: state file .*subtask-0\.state is corrupt: .*; reading its copy subtask-0\.state\.replica-1 instead$/),
    ]);
  });

  it('takes the number of copies from the checkpoint config, and refuses one that is not a positive integer', () => {
    const config = new CheckpointConfig();
    expect(config.setCheckpointStorage(dir).getCheckpointStorage()).toEqual({ type: 'filesystem', directory: dir });
    expect((createCheckpointStorage(config.getCheckpointStorage()) as FileSystemCheckpointStorage).replicas).toBe(2);
    expect(config.setCheckpointStorage(dir, { replicas: 3 }).getCheckpointStorage()).toEqual({ type: 'filesystem', directory: dir, replicas: 3 });
    expect((createCheckpointStorage(config.getCheckpointStorage()) as FileSystemCheckpointStorage).replicas).toBe(3);
    expect(config.setCheckpointStorage('memory', { replicas: 1 }).getCheckpointStorage()).toEqual({ type: 'memory', replicas: 1 });
    for (const replicas of [0, 1.5, -1, Number.NaN]) {
      expect(() => config.setCheckpointStorage(dir, { replicas })).toThrow(/checkpoint storage replicas must be a positive integer .*, got /);
      expect(() => createCheckpointStorage({ type: 'filesystem', directory: dir, replicas })).toThrow(/checkpoint storage replicas must be a positive integer/);
    }
  });
});
