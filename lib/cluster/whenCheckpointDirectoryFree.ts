import { isCheckpointDirectoryHeld, LOCK_STALE_MS } from '../runtime/checkpoint/CheckpointDirectoryLock';
import { Clock } from '../time/Clock';

/** How often a recovering leader looks at the lock again. */
export const LOCK_POLL_MS = 500;

/**
 * A new leader recovers a job whose previous JobManager may have died on another host: its lock
 * on the job's checkpoint directory stays fresh-looking until it is LOCK_STALE_MS old, and a job
 * started before that would be refused ("in use by another running job") and end failed, never
 * to run again. So recovery waits, on the clock, until the lock is free or stale, for at most
 * `boundMs`; resolves false when the bound passed with the lock still held (the start then fails
 * with the lock's own clear error).
 */
export async function whenCheckpointDirectoryFree(
  directory: string,
  clock: Clock,
  boundMs = LOCK_STALE_MS + 5 * LOCK_POLL_MS,
  isHeld: (directory: string) => boolean = isCheckpointDirectoryHeld,
): Promise<boolean> {
  const deadline = clock.now() + boundMs;
  while (isHeld(directory)) {
    if (clock.now() >= deadline) return false;
    await new Promise<void>((resolve) => clock.setTimeout(resolve, LOCK_POLL_MS));
  }
  return true;
}
