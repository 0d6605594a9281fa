import fs from 'fs';
import path from 'path';
import { randomUUID } from 'crypto';
import createDebug from 'debug';
import { SnapshotKind } from './CheckpointBarrier';
import { CheckpointLocation, checkReplicas, DEFAULT_REPLICAS } from './CheckpointLocation';
import { CheckpointMetadata, CompletedCheckpoint, FileStateHandle, snapshotName, StateHandle } from './CheckpointMetadata';
import { copiesInDirectory, IntactCopy, readFirstIntactCopy, readFirstIntactCopySync, writeCopiesDurably } from './FileCopies';
import { parseMetadata, serializeMetadata, sha256Hex } from './MetadataFile';

const log = createDebug('brook:checkpoint');

/**
 * Plain-data choice of storage, carried in the job's settings. `replicas`: copies of every file
 * a checkpoint or savepoint directory holds (default {@link DEFAULT_REPLICAS}); with in-memory
 * storage only savepoints are files.
 */
export type CheckpointStorageConfig =
  { readonly type: 'memory'; readonly replicas?: number } | { readonly type: 'filesystem'; readonly directory: string; readonly replicas?: number };

export const METADATA_FILE = '_metadata';
const IN_PROGRESS = '.inprogress';

/**
 * Where checkpoints go (Flink's CheckpointStorage, coordinator side). Subtasks write their own
 * state (persistSubtaskState); the coordinator prepares the location, then makes a checkpoint
 * visible only once every subtask acknowledged: a directory is renamed from `chk-N.inprogress`
 * to `chk-N` after every copy of `_metadata` was written and synced, so an incomplete
 * checkpoint is never mistaken for a complete one.
 */
export interface CheckpointStorage {
  initializeLocation(checkpointId: number, kind: SnapshotKind, targetDirectory: string | undefined, jobId: string): Promise<CheckpointLocation | undefined>;
  finalize(location: CheckpointLocation | undefined, metadata: CheckpointMetadata): Promise<string | undefined>;
  discard(location: CheckpointLocation | undefined): Promise<void>;
  dispose(completed: CompletedCheckpoint): Promise<void>;
}

export function createCheckpointStorage(config: CheckpointStorageConfig): CheckpointStorage {
  const replicas = config.replicas ?? DEFAULT_REPLICAS;
  return config.type === 'memory' ? new MemoryCheckpointStorage(replicas) : new FileSystemCheckpointStorage(config.directory, replicas);
}

/** Flink's JobManagerCheckpointStorage: state travels in the acknowledgements and stays in memory. */
export class MemoryCheckpointStorage implements CheckpointStorage {
  /** `replicas`: copies of every file of a savepoint. */
  constructor(private readonly replicas: number = DEFAULT_REPLICAS) {
    checkReplicas(replicas);
  }

  async initializeLocation(
    checkpointId: number,
    kind: SnapshotKind,
    targetDirectory: string | undefined,
    jobId: string,
  ): Promise<CheckpointLocation | undefined> {
    // Savepoints always go to a directory, whatever the checkpoint storage.
    return kind === 'CHECKPOINT' ? undefined : createSavepointDirectory(targetDirectory, jobId, this.replicas);
  }

  finalize(location: CheckpointLocation | undefined, metadata: CheckpointMetadata): Promise<string | undefined> {
    return location === undefined ? Promise.resolve(undefined) : finalizeDirectory(location, metadata);
  }

  discard(location: CheckpointLocation | undefined): Promise<void> {
    return discardDirectory(location);
  }

  async dispose(): Promise<void> {}
}

/**
 * Flink's FileSystemCheckpointStorage: one directory per checkpoint under `directory`, every
 * file of it (each subtask's state and `_metadata`) in `replicas` identical copies there, so
 * that a checkpoint survives a torn or bit-flipped copy. Flink leaves that redundancy to a
 * replicated file system (HDFS, S3); a local disk has none.
 */
export class FileSystemCheckpointStorage implements CheckpointStorage {
  constructor(
    readonly directory: string,
    readonly replicas: number = DEFAULT_REPLICAS,
  ) {
    checkReplicas(replicas);
  }

  async initializeLocation(checkpointId: number, kind: SnapshotKind, targetDirectory: string | undefined, jobId: string): Promise<CheckpointLocation> {
    if (kind !== 'CHECKPOINT') return createSavepointDirectory(targetDirectory, jobId, this.replicas);
    const directory = path.join(this.directory, `chk-${checkpointId}${IN_PROGRESS}`);
    await fs.promises.rm(directory, { recursive: true, force: true });
    await makeDirectories(directory);
    return { directory, replicas: this.replicas };
  }

  finalize(location: CheckpointLocation | undefined, metadata: CheckpointMetadata): Promise<string> {
    if (location === undefined) throw new Error('a file system checkpoint needs a location');
    return finalizeDirectory(location, metadata);
  }

  discard(location: CheckpointLocation | undefined): Promise<void> {
    return discardDirectory(location);
  }

  async dispose(completed: CompletedCheckpoint): Promise<void> {
    // Savepoints belong to the user: never deleted by retention.
    if (completed.kind === 'CHECKPOINT' && completed.externalPointer) {
      await fs.promises.rm(completed.externalPointer, { recursive: true, force: true });
    }
  }
}

async function createSavepointDirectory(targetDirectory: string | undefined, jobId: string, replicas: number): Promise<CheckpointLocation> {
  if (!targetDirectory) {
    throw new Error('no savepoint directory: pass one to triggerSavepoint / stopWithSavepoint, or set CheckpointConfig.setDefaultSavepointDirectory');
  }
  const directory = path.join(targetDirectory, `savepoint-${jobId.slice(0, 6)}-${randomUUID().slice(0, 12)}${IN_PROGRESS}`);
  await makeDirectories(directory);
  return { directory, replicas };
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
async function discardDirectory(location: CheckpointLocation | undefined): Promise<void> {
  if (location === undefined) return;
  const { directory } = location;
  await fs.promises.rm(directory, { recursive: true, force: true });
  if (directory.endsWith(IN_PROGRESS)) await fs.promises.rm(completedName(directory), { recursive: true, force: true });
}

function completedName(location: string): string {
  return location.endsWith(IN_PROGRESS) ? location.slice(0, -IN_PROGRESS.length) : location;
}

/**
 * Makes a checkpoint directory complete: writes every copy of `_metadata` (synced), syncs the
 * directory so that its entries (every copy of every state file and of `_metadata`) are
 * durable, renames it to its final name and syncs the parent so that the rename is. A crash at
 * any point leaves either an in-progress directory or a complete one.
 */
async function finalizeDirectory(location: CheckpointLocation, metadata: CheckpointMetadata): Promise<string> {
  const { directory } = location;
  await writeCopiesDurably(directory, METADATA_FILE, serializeMetadata(metadata), location.replicas);
  await syncDirectory(directory);
  const final = completedName(directory);
  await fs.promises.rm(final, { recursive: true, force: true });
  await fs.promises.rename(directory, final);
  await syncDirectory(path.dirname(final));
  return final;
}

export async function syncDirectory(directory: string): Promise<void> {
  const handle = await fs.promises.open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Task side: stores one subtask's serialized state where the barrier says, in as many copies as
 * the location asks (each synced), with its checksum.
 */
export async function persistSubtaskState(location: CheckpointLocation | undefined, fileName: string, bytes: Uint8Array): Promise<StateHandle> {
  if (location === undefined) return { kind: 'bytes', bytes };
  const [file, ...replicas] = await writeCopiesDurably(location.directory, fileName, bytes, location.replicas);
  const sha256 = sha256Hex(bytes);
  return replicas.length === 0 ? { kind: 'file', file, sha256 } : { kind: 'file', file, sha256, replicas };
}

/**
 * A subtask's state bytes; a file's are verified against its checksum, never returned if they
 * differ. A copy that is missing or fails goes to `warn`, and the next copy is read; only when
 * every copy fails does the read fail.
 */
export async function readStateHandle(pointer: string | undefined, handle: StateHandle, warn: (message: string) => void = warnOnStderr): Promise<Uint8Array> {
  if (handle.kind === 'bytes') return handle.bytes;
  if (pointer === undefined) throw new Error(`state file ${handle.file} has no checkpoint directory`);
  const { value } = await readFirstIntactCopy(pointer, stateFileCopies(handle), (bytes, file) => verifiedStateBytes(file, bytes, handle.sha256), warn);
  return value;
}

function stateFileCopies(handle: FileStateHandle): string[] {
  return [handle.file, ...(handle.replicas ?? [])];
}

function verifiedStateBytes(file: string, bytes: Buffer, expected: string): Buffer {
  const actual = sha256Hex(bytes);
  if (actual !== expected) throw new Error(`state file ${file} is corrupt: its checksum is ${actual}, the checkpoint's metadata says ${expected}`);
  return bytes;
}

/** A completed checkpoint's or savepoint's metadata, and the copy of `_metadata` it was read from. */
export interface MetadataRead {
  readonly metadata: CheckpointMetadata;
  readonly file: string;
}

/**
 * Reads and verifies a completed checkpoint or savepoint directory's `_metadata`: its first
 * copy that parses and checks out; each copy that does not goes to `warn`, named by the
 * checkpoint the intact copy says it is.
 */
export async function readCheckpointMetadata(pointer: string, warn: (message: string) => void = warnOnStderr): Promise<MetadataRead> {
  const directory = pointer.endsWith(METADATA_FILE) ? path.dirname(pointer) : pointer;
  const damaged: string[] = [];
  let read: IntactCopy<CheckpointMetadata>;
  try {
    read = await readFirstIntactCopy(
      directory,
      copiesInDirectory(directory, METADATA_FILE),
      (bytes, file) => parseMetadata(bytes.toString('utf8'), file),
      (m) => damaged.push(m),
    );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`cannot restore from ${pointer}: no ${METADATA_FILE} (${(e as Error).message}); it is not a completed checkpoint or savepoint`);
    }
    throw new Error(`cannot restore from ${pointer}: ${(e as Error).message}`);
  }
  for (const message of damaged) warn(`${snapshotName(read.value)}: ${message}`);
  return { metadata: read.value, file: read.file };
}

/** Reads and verifies a completed checkpoint or savepoint directory's `_metadata` (see {@link readCheckpointMetadata}). */
export async function readCheckpointDirectory(pointer: string, warn: (message: string) => void = warnOnStderr): Promise<CheckpointMetadata> {
  return (await readCheckpointMetadata(pointer, warn)).metadata;
}

/**
 * Why a completed-looking checkpoint directory cannot be restored (no copy of `_metadata` that
 * checks out, or a state file none of whose copies does), or undefined when every file has a
 * copy whose bytes check out. A damaged copy with an intact one beside it leaves the checkpoint
 * usable; it is logged here and warned about by the restore that reads around it.
 */
export function checkCheckpointDirectory(dir: string): string | undefined {
  const damagedCopy = (message: string): void => log('%s', message);
  let metadata: CheckpointMetadata;
  try {
    metadata = readFirstIntactCopySync(
      dir,
      copiesInDirectory(dir, METADATA_FILE),
      (bytes, file) => parseMetadata(bytes.toString('utf8'), file),
      damagedCopy,
    ).value;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? `it has no ${METADATA_FILE}` : (e as Error).message;
  }
  for (const task of metadata.tasks) {
    for (const handle of task.subtasks) {
      if (handle?.kind !== 'file') continue;
      try {
        readFirstIntactCopySync(dir, stateFileCopies(handle), (bytes, file) => verifiedStateBytes(file, bytes, handle.sha256), damagedCopy);
      } catch (e) {
        return (e as Error).message;
      }
    }
  }
  return undefined;
}

export function warnOnStderr(message: string): void {
  process.stderr.write(`brook: warning: ${message}\n`);
}

/**
 * The latest completed checkpoint under a checkpoint directory that can be restored, or
 * undefined. In-progress directories (a crash mid-checkpoint) are never candidates; a `chk-N`
 * with no intact copy of `_metadata` or of some state file (every copy missing or failing its
 * checksum) is skipped with a warning (`warn`, stderr by default), and the one before it is taken.
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
