/**
 * Where a checkpoint's files go (Flink's CheckpointStorageLocationReference, resolved): its
 * in-progress directory, and how many copies of each file to write there. Every copy is written
 * and synced before the directory is renamed to its final name, so a completed checkpoint
 * survives the corruption of any single copy when `replicas` is 2 or more.
 */
export interface CheckpointLocation {
  readonly directory: string;
  /** Copies of every file (state files and `_metadata`), the file itself included; at least 1. */
  readonly replicas: number;
}

/**
 * Two copies: a torn or bit-flipped file is the failure a single local disk leaves to the
 * checkpoint's own format to survive; one more copy survives it at twice the bytes written. A
 * third copy on the same disk would guard only against two copies of the same file failing at
 * once, which is the disk failing, and copies on that disk do not survive that.
 */
export const DEFAULT_REPLICAS = 2;

/** Checks a replica count given in the settings: a clear error naming the setting. */
export function checkReplicas(replicas: number): number {
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw new RangeError(`checkpoint storage replicas must be a positive integer (copies of every checkpoint file, 1 for a single copy), got ${replicas}`);
  }
  return replicas;
}
