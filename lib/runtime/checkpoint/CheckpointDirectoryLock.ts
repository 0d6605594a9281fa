import fs from 'fs';
import os from 'os';
import path from 'path';
import lockfile from 'proper-lockfile';

/** The lock proper-lockfile keeps for a checkpoint directory: a directory of its own, inside it. */
export const LOCK_NAME = '.lock';
/** Who holds the lock (pid and host), next to it: proper-lockfile's lock directory must stay empty. */
export const LOCK_HOLDER_NAME = '.lock.holder';

/**
 * How long a lock that is not refreshed stays valid (proper-lockfile refreshes its mtime every
 * half of it): a holder that died on another host keeps the directory that long.
 */
export const LOCK_STALE_MS = 10_000;

export interface CheckpointDirectoryLock {
  readonly directory: string;
  /** Gives the directory up (idempotent). */
  release(): void;
}

interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
}

/**
 * Makes this job the only user of a checkpoint directory while it runs. Two jobs on one
 * directory would overwrite each other's `chk-N`, each would restore the other's state, and
 * their two-phase-commit sinks would commit every result twice and abort each other's
 * transactions. The lock is a directory whose mtime the holder refreshes (proper-lockfile): a
 * holder that died without releasing it loses it once it is `staleMs` old, or at once when it
 * was a process of this host that no longer exists (a restart after SIGKILL need not wait).
 * Throws a clear error when another live job holds it. `onLost` hears when the lock was taken
 * away (this process did not refresh it in time, e.g. it was stopped): the job must stop using
 * the directory.
 *
 * As proper-lockfile's own stale-lock removal, taking over a dead holder's lock is not atomic:
 * two processes started at the same moment after a crash may both take it.
 */
export function lockCheckpointDirectory(directory: string, onLost: (error: Error) => void, staleMs = LOCK_STALE_MS): CheckpointDirectoryLock {
  fs.mkdirSync(directory, { recursive: true });
  const lockfilePath = path.join(directory, LOCK_NAME);
  const holderFile = path.join(directory, LOCK_HOLDER_NAME);
  let releaseLock: (() => void) | undefined;
  const acquire = (): (() => void) =>
    lockfile.lockSync(directory, {
      lockfilePath,
      stale: staleMs,
      onCompromised: (e) => {
        releaseLock = undefined;
        onLost(new Error(`lost the lock of checkpoint directory ${directory} (${e.message}): another job may use the directory now; this one stops`));
      },
    });
  try {
    try {
      releaseLock = acquire();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ELOCKED' || !holderIsDeadOnThisHost(holderFile)) throw e;
      fs.rmSync(lockfilePath, { recursive: true, force: true });
      releaseLock = acquire();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw new Error(`cannot lock checkpoint directory ${directory}: ${(e as Error).message}`);
    const holder = readHolder(holderFile);
    throw new Error(
      `checkpoint directory ${directory} is in use by another running job` +
        `${holder ? ` (process ${holder.pid} on ${holder.hostname})` : ''}: its lock ${lockfilePath} is held and fresh. ` +
        `Stop that job first, or give this one another checkpoint directory; the lock of a job that died on another host is released after ${staleMs / 1000} s.`,
    );
  }
  const holder: LockHolder = { pid: process.pid, hostname: os.hostname() };
  fs.writeFileSync(holderFile, JSON.stringify(holder));
  return {
    directory,
    release(): void {
      const release = releaseLock;
      releaseLock = undefined;
      if (!release) return;
      try {
        release();
      } catch {
        // Already given up (compromised, or removed by hand): nothing left to release.
      }
    },
  };
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const h = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return typeof h.pid === 'number' && typeof h.hostname === 'string' ? { pid: h.pid, hostname: h.hostname } : undefined;
  } catch {
    return undefined;
  }
}

/** True only when the holder is known: a process of this host that is gone. */
function holderIsDeadOnThisHost(file: string): boolean {
  const holder = readHolder(file);
  if (!holder || holder.hostname !== os.hostname() || holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Whether a live job holds the directory's lock: a fresh lock whose holder is not known to be a
 * dead process of this host. A stale lock (not refreshed for `staleMs`) counts as free, as
 * lockCheckpointDirectory would take it over.
 */
export function isCheckpointDirectoryHeld(directory: string, staleMs = LOCK_STALE_MS): boolean {
  const lockfilePath = path.join(directory, LOCK_NAME);
  if (!fs.existsSync(lockfilePath)) return false;
  if (holderIsDeadOnThisHost(path.join(directory, LOCK_HOLDER_NAME))) return false;
  return lockfile.checkSync(directory, { lockfilePath, stale: staleMs });
}
