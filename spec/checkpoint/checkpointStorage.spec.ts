import fs from 'fs';
import os from 'os';
import path from 'path';
import v8 from 'v8';
import { prepareRestore, readCompletedCheckpoint } from '../../lib/controlplane/restoreState';
import { StateHandle } from '../../lib/runtime/checkpoint/CheckpointMetadata';
import {
  FileSystemCheckpointStorage,
  findLatestCompletedCheckpoint,
  METADATA_FILE,
  persistSubtaskState,
  readCheckpointDirectory,
} from '../../lib/runtime/checkpoint/CheckpointStorage';
import { serializeMetadata } from '../../lib/runtime/checkpoint/MetadataFile';
import { CoordinatorHarness } from '../harness/CoordinatorHarness';

/** A source's state as the task writes it: { [operatorId]: OperatorStateSnapshot }. */
function sourceState(position: number): Uint8Array {
  return v8.serialize({ source: { operator: [{ position: `position-${position}` }] } });
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
  async function writeCheckpoints(n: number): Promise<CoordinatorHarness> {
    const h = new CoordinatorHarness(new FileSystemCheckpointStorage(dir, 1), { numRetainedCheckpoints: n });
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
});
