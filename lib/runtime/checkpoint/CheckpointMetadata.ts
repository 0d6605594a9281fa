import { SnapshotKind } from './CheckpointBarrier';

/**
 * Where one subtask's state is: the bytes themselves (in-memory storage), or a file relative to
 * the checkpoint's directory with the sha256 of its bytes, verified when it is read. The blob
 * is v8.serialize of { [operatorId]: OperatorStateSnapshot }.
 */
export type StateHandle = { readonly kind: 'bytes'; readonly bytes: Uint8Array } | FileStateHandle;

export interface FileStateHandle {
  readonly kind: 'file';
  readonly file: string;
  readonly sha256: string;
  /**
   * Further copies of the same bytes in the same directory, tried in order when `file` is
   * missing or fails its checksum; absent when the storage writes one copy.
   */
  readonly replicas?: readonly string[];
}

export interface TaskStateMetadata {
  readonly vertexId: number;
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** The chain's operators (uid, else the stream node id), head first. */
  readonly operatorIds: readonly string[];
  /** By subtask index; null when the subtask had no state. */
  readonly subtasks: ReadonlyArray<StateHandle | null>;
}

/**
 * Version 2: state files and `_metadata` carry a sha256. A state file's replicas are an optional
 * field a reader without them ignores (it reads the first copy only).
 */
export const METADATA_VERSION = 2;

/** Flink's _metadata: what a completed checkpoint or savepoint holds. */
export interface CheckpointMetadata {
  readonly version: typeof METADATA_VERSION;
  readonly jobName: string;
  readonly checkpointId: number;
  readonly timestamp: number;
  readonly kind: SnapshotKind;
  readonly tasks: readonly TaskStateMetadata[];
}

/** How warnings and errors name a snapshot: `checkpoint 7`, `savepoint 8`. */
export function snapshotName(metadata: Pick<CheckpointMetadata, 'kind' | 'checkpointId'>): string {
  return `${metadata.kind === 'CHECKPOINT' ? 'checkpoint' : 'savepoint'} ${metadata.checkpointId}`;
}

export interface CompletedCheckpoint {
  readonly checkpointId: number;
  readonly timestamp: number;
  readonly completionTime: number;
  readonly kind: SnapshotKind;
  /** The directory holding it (file storage, savepoints); undefined in memory. */
  readonly externalPointer: string | undefined;
  readonly metadata: CheckpointMetadata;
  /** Bytes of state over all subtasks. */
  readonly stateSize: number;
}

/** Timings of one subtask's part in a checkpoint, as Flink's checkpoint statistics show them. */
export interface SubtaskCheckpointStats {
  /** Time from the first barrier to the last on the inputs (0 for sources and single inputs). */
  readonly alignmentDurationMs: number;
  /** The pause in record processing: taking the snapshots at the barrier. */
  readonly syncDurationMs: number;
  /** Serializing and writing the state, and waiting for pre-commits, after the barrier went on. */
  readonly asyncDurationMs: number;
  readonly stateSize: number;
}
