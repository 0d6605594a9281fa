import v8 from 'v8';
import { JobGraph } from '../../graph/JobGraph';
import { computeKeyGroupRangeForOperatorIndex } from '../../partitioners/keyGroups';
import { OperatorStateSnapshot, StateInitializationContext } from '../state/OperatorStateSnapshot';
import { CheckpointMetadata, snapshotName, StateHandle } from './CheckpointMetadata';
import { readStateHandle, warnOnStderr } from './CheckpointStorage';
import { operatorIdOf } from './OperatorId';

/** What one subtask restores: per operator id, its initialization context. */
export interface TaskRestore {
  readonly checkpointId: number;
  readonly operators: Readonly<Record<string, StateInitializationContext>>;
}

/** An operator's state as it was written: one snapshot per old subtask. */
interface OperatorStateOfCheckpoint {
  readonly taskName: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly subtasks: ReadonlyArray<OperatorStateSnapshot | undefined>;
}

export interface LoadedCheckpoint {
  readonly checkpointId: number;
  readonly operators: ReadonlyMap<string, OperatorStateOfCheckpoint>;
}

/**
 * Reads and deserializes every subtask's state of a checkpoint, grouped by operator. A damaged
 * copy of a state file is read around (the next copy), and reported to `warn` naming the
 * checkpoint and the file.
 */
export async function loadCheckpoint(
  metadata: CheckpointMetadata,
  pointer: string | undefined,
  warn: (message: string) => void = warnOnStderr,
): Promise<LoadedCheckpoint> {
  const warnOfCheckpoint = (message: string): void => warn(`${snapshotName(metadata)}: ${message}`);
  const operators = new Map<string, { taskName: string; parallelism: number; maxParallelism: number; subtasks: Array<OperatorStateSnapshot | undefined> }>();
  for (const task of metadata.tasks) {
    for (const id of task.operatorIds) {
      operators.set(id, {
        taskName: task.name,
        parallelism: task.parallelism,
        maxParallelism: task.maxParallelism,
        subtasks: new Array(task.parallelism).fill(undefined),
      });
    }
    await Promise.all(
      task.subtasks.map(async (handle: StateHandle | null, index) => {
        if (!handle) return;
        const blob = v8.deserialize(await readStateHandle(pointer, handle, warnOfCheckpoint)) as Record<string, OperatorStateSnapshot>;
        for (const [id, snapshot] of Object.entries(blob)) operators.get(id)!.subtasks[index] = snapshot;
      }),
    );
  }
  return { checkpointId: metadata.checkpointId, operators };
}

/**
 * Flink's StateAssignmentOperation: gives every subtask of the new job its share of the old
 * state. Keyed state follows key groups: subtask i of the new parallelism gets every key group
 * of its KeyGroupRange, from whichever old subtask had it (the maximum parallelism must not
 * change). Operator list state stays with its subtask when the parallelism is unchanged, and is
 * otherwise dealt out round robin (Flink's RoundRobinOperatorStateRepartitioner).
 */
export function assignStates(checkpoint: LoadedCheckpoint, job: JobGraph, allowNonRestoredState = false): Map<string, TaskRestore> {
  const used = new Set<string>();
  const result = new Map<string, TaskRestore>();
  for (const vertex of job.vertices) {
    for (let i = 0; i < vertex.parallelism; i++) {
      const operators: Record<string, StateInitializationContext> = {};
      const keyGroupRange = computeKeyGroupRangeForOperatorIndex(vertex.maxParallelism, vertex.parallelism, i);
      for (const node of vertex.nodes) {
        const id = operatorIdOf(node);
        const old = checkpoint.operators.get(id);
        if (old) used.add(id);
        // An operator the checkpoint does not know starts fresh (a new source reads from its start).
        operators[id] = {
          isRestored: old !== undefined,
          restoredCheckpointId: checkpoint.checkpointId,
          keyGroupRange,
          keyed: old ? keyedShare(old, id, vertex.maxParallelism, keyGroupRange) : new Map(),
          operator: old ? operatorShare(old, vertex.parallelism, i) : [],
        };
      }
      result.set(`${vertex.id}.${i}`, { checkpointId: checkpoint.checkpointId, operators });
    }
  }
  const unused = [...checkpoint.operators.entries()].filter(([id, s]) => !used.has(id) && s.subtasks.some((x) => hasState(x)));
  if (unused.length > 0 && !allowNonRestoredState) {
    const names = unused.map(([id, s]) => `${id} (in '${s.taskName}')`).join(', ');
    throw new Error(
      `checkpoint ${checkpoint.checkpointId} has state for operators that are not in this job: ${names}. ` +
        'Give operators the same uid as before, or allow non-restored state to drop it.',
    );
  }
  return result;
}

function keyedShare(old: OperatorStateOfCheckpoint, id: string, maxParallelism: number, range: { start: number; end: number }): Map<number, unknown> {
  const share = new Map<number, unknown>();
  const anyKeyed = old.subtasks.some((s) => s?.keyed && s.keyed.size > 0);
  if (!anyKeyed) return share;
  if (old.maxParallelism !== maxParallelism) {
    throw new Error(
      `cannot restore keyed state of operator ${id}: its maximum parallelism was ${old.maxParallelism} and is now ${maxParallelism}; ` +
        'key groups cannot be redistributed across a different maximum parallelism (set it back with setMaxParallelism).',
    );
  }
  for (const s of old.subtasks) {
    if (!s?.keyed) continue;
    for (const [keyGroup, state] of s.keyed) if (keyGroup >= range.start && keyGroup <= range.end) share.set(keyGroup, state);
  }
  return share;
}

function operatorShare(old: OperatorStateOfCheckpoint, parallelism: number, index: number): unknown[] {
  if (old.parallelism === parallelism) return [...(old.subtasks[index]?.operator ?? [])];
  const all: unknown[] = [];
  for (const s of old.subtasks) if (s?.operator) all.push(...s.operator);
  return all.filter((_, j) => j % parallelism === index);
}

function hasState(s: OperatorStateSnapshot | undefined): boolean {
  return s !== undefined && ((s.keyed?.size ?? 0) > 0 || (s.operator?.length ?? 0) > 0);
}
