import fs from 'fs';
import path from 'path';

/**
 * A checkpoint file kept in several identical copies in its checkpoint's directory: the file
 * itself, then `<name>.replica-1`, `<name>.replica-2`, … A reader takes the first copy that
 * checks out and reports each one that does not.
 */

const REPLICA = '.replica-';

/** The names of a file's copies, the file itself first. */
export function copyNames(fileName: string, replicas: number): string[] {
  return Array.from({ length: replicas }, (_, k) => (k === 0 ? fileName : `${fileName}${REPLICA}${k}`));
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

/** Writes every copy of a file, each synced; resolves with the copies' names once all are on disk. */
export async function writeCopiesDurably(directory: string, fileName: string, bytes: Uint8Array, replicas: number): Promise<string[]> {
  const names = copyNames(fileName, replicas);
  await Promise.all(names.map((name) => writeFileDurably(path.join(directory, name), bytes)));
  return names;
}

/**
 * The copies of `fileName` a directory holds: the file itself, then its replicas in order. For
 * `_metadata`, whose copies no other file can list.
 */
export function copiesInDirectory(directory: string, fileName: string): string[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(directory);
  } catch {
    return [fileName];
  }
  const replicas: Array<{ k: number; name: string }> = [];
  for (const name of entries) {
    if (!name.startsWith(fileName + REPLICA)) continue;
    const k = Number(name.slice(fileName.length + REPLICA.length));
    if (Number.isInteger(k) && k > 0) replicas.push({ k, name });
  }
  return [fileName, ...replicas.sort((a, b) => a.k - b.k).map((r) => r.name)];
}

/** The copy a reader took, and what it read from it. */
export interface IntactCopy<T> {
  readonly file: string;
  readonly value: T;
}

/**
 * Reads the copies of one file in order and returns the first that `accept` takes (it throws
 * for bytes that fail their checksum). Each copy that cannot be read or is refused goes to
 * `refused` with the copy tried next. When every copy fails, the error is the only copy's own
 * (or the first copy's, when none exists), else one naming why each copy failed.
 */
export async function readFirstIntactCopy<T>(
  directory: string,
  names: readonly string[],
  accept: (bytes: Buffer, file: string) => T,
  refused: (message: string) => void,
): Promise<IntactCopy<T>> {
  const failures: Error[] = [];
  for (const [i, name] of names.entries()) {
    const file = path.join(directory, name);
    try {
      return { file, value: accept(await fs.promises.readFile(file), file) };
    } catch (e) {
      failures.push(reportFailure(e, names, i, refused));
    }
  }
  throw everyCopyFailed(directory, names, failures);
}

/** {@link readFirstIntactCopy}, synchronously. */
export function readFirstIntactCopySync<T>(
  directory: string,
  names: readonly string[],
  accept: (bytes: Buffer, file: string) => T,
  refused: (message: string) => void,
): IntactCopy<T> {
  const failures: Error[] = [];
  for (const [i, name] of names.entries()) {
    const file = path.join(directory, name);
    try {
      return { file, value: accept(fs.readFileSync(file), file) };
    } catch (e) {
      failures.push(reportFailure(e, names, i, refused));
    }
  }
  throw everyCopyFailed(directory, names, failures);
}

function reportFailure(e: unknown, names: readonly string[], i: number, refused: (message: string) => void): Error {
  // Not `instanceof Error`: Node's own errors may come from another realm (a vm context).
  const error = typeof e === 'object' && e !== null && 'message' in e ? (e as Error) : new Error(String(e));
  if (i + 1 < names.length) refused(`${error.message}; reading its copy ${names[i + 1]} instead`);
  return error;
}

function everyCopyFailed(directory: string, names: readonly string[], failures: readonly Error[]): Error {
  if (failures.length === 1 || failures.every((f) => (f as NodeJS.ErrnoException).code === 'ENOENT')) return failures[0];
  return new Error(`every copy of ${path.join(directory, names[0])} fails: ${failures.map((f) => f.message).join('; ')}`);
}
