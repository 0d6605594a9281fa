import fs from 'fs';
import path from 'path';
import { JobGraph } from '../graph/JobGraph';
import { CompletedCheckpoint } from '../runtime/checkpoint/CheckpointMetadata';
import { METADATA_FILE, readCheckpointMetadata, warnOnStderr } from '../runtime/checkpoint/CheckpointStorage';
import { assignStates, loadCheckpoint, TaskRestore } from '../runtime/checkpoint/StateAssignment';

export interface PreparedRestore {
  readonly checkpoint: CompletedCheckpoint;
  /** By execution key `vertexId.subtask`. */
  readonly assignments: ReadonlyMap<string, TaskRestore>;
}

/**
 * Reads a savepoint or retained checkpoint directory into a CompletedCheckpoint, from the first
 * copy of its `_metadata` that checks out (a damaged copy goes to `warn`).
 */
export async function readCompletedCheckpoint(pointer: string, warn: (message: string) => void = warnOnStderr): Promise<CompletedCheckpoint> {
  const dir = pointer.endsWith(METADATA_FILE) ? path.dirname(pointer) : pointer;
  const { metadata, file } = await readCheckpointMetadata(dir, warn);
  const stat = await fs.promises.stat(file);
  return {
    checkpointId: metadata.checkpointId,
    timestamp: metadata.timestamp,
    completionTime: stat.mtimeMs,
    kind: metadata.kind,
    externalPointer: dir,
    metadata,
    stateSize: 0,
  };
}

/**
 * Loads a completed checkpoint and deals its state out to the subtasks of `jobGraph` (any
 * parallelism). Each state file is read from its first intact copy; damaged copies go to `warn`.
 */
export async function prepareRestore(
  checkpoint: CompletedCheckpoint,
  jobGraph: JobGraph,
  allowNonRestoredState: boolean,
  warn: (message: string) => void = warnOnStderr,
): Promise<PreparedRestore> {
  const loaded = await loadCheckpoint(checkpoint.metadata, checkpoint.externalPointer, warn);
  return { checkpoint, assignments: assignStates(loaded, jobGraph, allowNonRestoredState) };
}
