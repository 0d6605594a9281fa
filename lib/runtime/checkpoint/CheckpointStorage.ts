import fs from 'fs';
import path from 'path';
import { randomUUID } from 'crypto';
import createDebug from 'debug';
import { SnapshotKind } from './CheckpointBarrier';
import { CheckpointMetadata, CompletedCheckpoint, StateHandle } from './CheckpointMetadata';
import { parseMetadata, serializeMetadata, sha256Hex } from './MetadataFile';

const log = createDebug('brook:checkpoint');

/** Plain-data choice of storage, carried in the job's settings. */
export type CheckpointStorageConfig = { readonly type: 'memory' } | { readonly type: 'filesystem'; readonly directory: string };

export const METADATA_FILE = '_metadata';
const IN_PROGRESS = '.inprogress';

/**
 * Where checkpoints go (Flink's CheckpointStorage, coordinator side). Subtasks write their own
 * state (persistSubtaskState); the coordinator prepares the location, then makes a checkpoint
 * visible only once every subtask acknowledged: a directory is renamed from `chk-N.inprogress`
 * to `chk-N` after `_metadata` was written and synced, so an incomplete checkpoint is never
 * mistaken for a complete one.
 */
export interface CheckpointStorage {
  readonly description: string;
  initializeLocation(checkpointId: number, kind: SnapshotKind, targetDirectory: string | undefined, jobId: string): Promise<string | undefined>;
  finalize(location: string | undefined, metadata: CheckpointMetadata): Promise<string | undefined>;
  discard(location: string | undefined): Promise<void>;
  dispose(completed: CompletedCheckpoint): Promise<void>;
}

export function createCheckpointStorage(config: CheckpointStorageConfig): CheckpointStorage {
  return config.type === 'memory' ? new MemoryCheckpointStorage() : new FileSystemCheckpointStorage(config.directory);
}

/** Flink's JobManagerCheckpointStorage: state travels in the acknowledgements and stays in memory. */
export class MemoryCheckpointStorage implements CheckpointStorage {
  readonly description = 'JobManagerCheckpointStorage (in memory)';

  async initializeLocation(checkpointId: number, kind: SnapshotKind, targetDirectory: string | undefined, jobId: string): Promise<string | undefined> {
    // Savepoints always go to a directory, whatever the checkpoint storage.
    return kind === 'CHECKPOINT' ? undefined : createSavepointDirectory(targetDirectory, jobId);
  }

  finalize(location: string | undefined, metadata: CheckpointMetadata): Promise<string | undefined> {
    return location === undefined ? Promise.resolve(undefined) : finalizeDirectory(location, metadata);
  }

  discard(location: string | undefined): Promise<void> {
    return discardDirectory(location);
  }

  async dispose(): Promise<void> {}
}

/** Flink's FileSystemCheckpointStorage: one directory per checkpoint under `directory`. */
export class FileSystemCheckpointStorage implements CheckpointStorage {
  readonly description: string;

  constructor(readonly directory: string) {
    this.description = `FileSystemCheckpointStorage (${directory})`;
  }

  async initializeLocation(checkpointId: number, kind: SnapshotKind, targetDirectory: string | undefined, jobId: string): Promise<string> {
    if (kind !== 'CHECKPOINT') return createSavepointDirectory(targetDirectory, jobId);
    const location = path.join(this.directory, `chk-${checkpointId}${IN_PROGRESS}`);
    await fs.promises.rm(location, { recursive: true, force: true });
    await makeDirectories(location);
    return location;
  }

  finalize(location: string | undefined, metadata: CheckpointMetadata): Promise<string> {
    if (location === undefined) throw new Error('a file system checkpoint needs a location');
    return finalizeDirectory(location, metadata);
  }

  discard(location: string | undefined): Promise<void> {
    return discardDirectory(location);
  }

  async dispose(completed: CompletedCheckpoint): Promise<void> {
    // Savepoints belong to the user: never deleted by retention.
    if (completed.kind === 'CHECKPOINT' && completed.externalPointer) {
      await fs.promises.rm(completed.externalPointer, { recursive: true, force: true });
    }
  }
}

async function createSavepointDirectory(targetDirectory: string | undefined, jobId: string): Promise<string> {
  if (!targetDirectory) {
    throw new Error('no savepoint directory: pass one to triggerSavepoint / stopWithSavepoint, or set CheckpointConfig.setDefaultSavepointDirectory');
  }
  const location = path.join(targetDirectory, `savepoint-${jobId.slice(0, 6)}-${randomUUID().slice(0, 12)}${IN_PROGRESS}`);
  await makeDirectories(location);
  return location;
}

/**
 * mkdir -p, one level at a time. Node's own `mkdir(…, { recursive: true })` never settles for a
 * path under /proc (it retries ENOENT forever in a thread-pool thread, which then spins a core):
 * here every level is tried at most twice, and an error names the level that failed.
 */
export async function makeDirectories(directory: string): Promise<void> {
  try {
    await fs.promises.mkdir(directory);
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if ((await fs.promises.stat(directory)).isDirectory()) return;
      throw new Error(`cannot create directory ${directory}: a file of that name exists`);
    }
    const parent = path.dirname(directory);
    if (code !== 'ENOENT' || parent === directory) throw e;
    await makeDirectories(parent);
  }
  // The parent exists now: a second failure (ENOENT again under /proc) is final.
  await fs.promises.mkdir(directory).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
}

/**
 * Removes a checkpoint's directory under its in-progress name and under its final name: a
 * finalization that failed after the rename must not leave a directory that looks complete.
 */
async function discardDirectory(location: string | undefined): Promise<void> {
  if (location === undefined) return;
  await fs.promises.rm(location, { recursive: true, force: true });
  if (location.endsWith(IN_PROGRESS)) await fs.promises.rm(completedName(location), { recursive: true, force: true });
}

function completedName(location: string): string {
  return location.endsWith(IN_PROGRESS) ? location.slice(0, -IN_PROGRESS.length) : location;
}

/**
 * Makes a checkpoint directory complete: writes `_metadata` (synced), syncs the directory so
 * that its entries (every state file and `_metadata`) are durable, renames it to its final name
 * and syncs the parent so that the rename is. A crash at any point leaves either an
 * in-progress directory or a complete one.
 */
async function finalizeDirectory(location: string, metadata: CheckpointMetadata): Promise<string> {
  await writeFileDurably(path.join(location, METADATA_FILE), serializeMetadata(metadata));
  await syncDirectory(location);
  const final = completedName(location);
  await fs.promises.rm(final, { recursive: true, force: true });
  await fs.promises.rename(location, final);
  await syncDirectory(path.dirname(final));
  return final;
}

/** write, fsync, close: the bytes are on disk when the promise resolves. */
export async function writeFileDurably(file: string, bytes: Uint8Array): Promise<void> {
  const handle = await fs.promises.open(file, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function syncDirectory(directory: string): Promise<void> {
  const handle = await fs.promises.open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Task side: stores one subtask's serialized state where the barrier says, with its checksum. */
export async function persistSubtaskState(location: string | undefined, fileName: string, bytes: Uint8Array): Promise<StateHandle> {
  if (location === undefined) return { kind: 'bytes', bytes };
  await writeFileDurably(path.join(location, fileName), bytes);
  return { kind: 'file', file: fileName, sha256: sha256Hex(bytes) };
}

/** A subtask's state bytes; a file's are verified against its checksum, never returned if they differ. */
export async function readStateHandle(pointer: string | undefined, handle: StateHandle): Promise<Uint8Array> {
  if (handle.kind === 'bytes') return handle.bytes;
  if (pointer === undefined) throw new Error(`state file ${handle.file} has no checkpoint directory`);
  const file = path.join(pointer, handle.file);
  return verifiedStateBytes(file, await fs.promises.readFile(file), handle.sha256);
}

function verifiedStateBytes(file: string, bytes: Buffer, expected: string): Buffer {
  const actual = sha256Hex(bytes);
  if (actual !== expected) throw new Error(`state file ${file} is corrupt: its checksum is ${actual}, the checkpoint's metadata says ${expected}`);
  return bytes;
}

/** Reads and verifies a completed checkpoint or savepoint directory's `_metadata`. */
export async function readCheckpointDirectory(pointer: string): Promise<CheckpointMetadata> {
  const file = pointer.endsWith(METADATA_FILE) ? pointer : path.join(pointer, METADATA_FILE);
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot restore from ${pointer}: no ${METADATA_FILE} (${(e as Error).message}); it is not a completed checkpoint or savepoint`);
  }
  try {
    return parseMetadata(text, file);
  } catch (e) {
    throw new Error(`cannot restore from ${pointer}: ${(e as Error).message}`);
  }
}

/**
 * Why a completed-looking checkpoint directory cannot be restored (no or corrupt `_metadata`, a
 * state file missing or not matching its checksum), or undefined when every byte checks out.
 */
export function checkCheckpointDirectory(dir: string): string | undefined {
  const metadataFile = path.join(dir, METADATA_FILE);
  let metadata: CheckpointMetadata;
  try {
    metadata = parseMetadata(fs.readFileSync(metadataFile, 'utf8'), metadataFile);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? `it has no ${METADATA_FILE}` : (e as Error).message;
  }
  for (const task of metadata.tasks) {
    for (const handle of task.subtasks) {
      if (handle?.kind !== 'file') continue;
      const file = path.join(dir, handle.file);
      try {
        verifiedStateBytes(file, fs.readFileSync(file), handle.sha256);
      } catch (e) {
        return (e as Error).message;
      }
    }
  }
  return undefined;
}

function warnOnStderr(message: string): void {
  process.stderr.write(`brook: warning: ${message}\n`);
}

/**
 * The latest completed checkpoint under a checkpoint directory that can be restored, or
 * undefined. In-progress directories (a crash mid-checkpoint) are never candidates; a `chk-N`
 * whose `_metadata` or state files are missing or fail their checksums is skipped with a warning
 * (`warn`, stderr by default), and the one before it is taken.
 */
export function findLatestCompletedCheckpoint(directory: string, warn: (message: string) => void = warnOnStderr): string | undefined {
  for (const { id, dir } of completedCheckpointDirectories(directory)) {
    const unusable = checkCheckpointDirectory(dir);
    if (unusable === undefined) return dir;
    log('checkpoint %d at %s is unusable: %s', id, dir, unusable);
    // An older checkpoint replays what came after it: sinks may write again what they committed.
    warn(`checkpoint ${id} at ${dir} cannot be restored (${unusable}); trying the one before it (output committed after that one may be written again)`);
  }
  return undefined;
}

/** The highest checkpoint id a directory holds (complete or not): new checkpoints go above it. */
export function highestCheckpointId(directory: string): number {
  if (!fs.existsSync(directory)) return 0;
  let highest = 0;
  for (const name of fs.readdirSync(directory)) {
    const m = /^chk-(\d+)(\.inprogress)?$/.exec(name);
    if (m) highest = Math.max(highest, Number(m[1]));
  }
  return highest;
}

/** `chk-N` directories, newest first. */
function completedCheckpointDirectories(directory: string): Array<{ id: number; dir: string }> {
  if (!fs.existsSync(directory)) return [];
  const found: Array<{ id: number; dir: string }> = [];
  for (const name of fs.readdirSync(directory)) {
    const m = /^chk-(\d+)$/.exec(name);
    if (m) found.push({ id: Number(m[1]), dir: path.join(directory, name) });
  }
  return found.sort((a, b) => b.id - a.id);
}

/** Removes in-progress checkpoint directories left by a process that died mid-checkpoint. */
export function removeStaleInProgressCheckpoints(directory: string): number {
  if (!fs.existsSync(directory)) return 0;
  let n = 0;
  for (const name of fs.readdirSync(directory)) {
    if (/^chk-\d+\.inprogress$/.test(name)) {
      fs.rmSync(path.join(directory, name), { recursive: true, force: true });
      n++;
    }
  }
  return n;
}
