import fs from 'fs';
import path from 'path';
import { JobGraph } from '../lib/graph/JobGraph';
import { CompletedCheckpoint } from '../lib/runtime/checkpoint/CheckpointMetadata';
import { METADATA_FILE, readCheckpointDirectory } from '../lib/runtime/checkpoint/CheckpointStorage';
import { assignStates, loadCheckpoint, TaskRestore } from '../lib/runtime/checkpoint/StateAssignment';

export interface PreparedRestore {
  readonly checkpoint: CompletedCheckpoint;
  /** By execution key `vertexId.subtask`. */
  readonly assignments: ReadonlyMap<string, TaskRestore>;
}

/** Reads a savepoint or retained checkpoint directory into a CompletedCheckpoint. */
export async function readCompletedCheckpoint(pointer: string): Promise<CompletedCheckpoint> {
  const dir = pointer.endsWith(METADATA_FILE) ? path.dirname(pointer) : pointer;
  const metadata = await readCheckpointDirectory(dir);
  const stat = await fs.promises.stat(path.join(dir, METADATA_FILE));
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

/** Loads a completed checkpoint and deals its state out to the subtasks of `jobGraph` (any parallelism). */
export async function prepareRestore(checkpoint: CompletedCheckpoint, jobGraph: JobGraph, allowNonRestoredState: boolean): Promise<PreparedRestore> {
  const loaded = await loadCheckpoint(checkpoint.metadata, checkpoint.externalPointer);
  return { checkpoint, assignments: assignStates(loaded, jobGraph, allowNonRestoredState) };
}
