import { assertNever } from '../util/assertNever';
import { ExecutionState } from './ExecutionState';

/**
 * Where a StreamTask is in its life. Flink reports four of these phases as RUNNING; they differ
 * in what the task still does: a running task processes input (a source polls its reader); a
 * task suspended at a stop-with-savepoint barrier emits nothing after it and ends when the
 * savepoint completes, or runs on when it is aborted; with checkpointing, a task whose input
 * ended waits for a checkpoint taken after that end to complete (Flink's final checkpoint,
 * FLIP-147), so that two-phase-commit sinks commit their last transaction; a finishing task
 * only waits for its output to leave and its asynchronous work to settle.
 */
export type TaskPhase =
  | { readonly kind: 'created' }
  | { readonly kind: 'deploying' }
  | { readonly kind: 'running' }
  /** The barrier of stop-with-savepoint `savepointId` passed this task. */
  | { readonly kind: 'suspendedAtSavepoint'; readonly savepointId: number }
  /**
   * End of input reached with checkpointing on. `finalCheckpointId`: the first checkpoint whose
   * barrier passed after the end, once there is one; its completion (or a later one's) ends the wait.
   */
  | { readonly kind: 'awaitingFinalCheckpoint'; readonly finalCheckpointId: number | undefined }
  | { readonly kind: 'finishing' }
  | { readonly kind: 'canceling' }
  | { readonly kind: 'ended'; readonly state: 'FINISHED' | 'CANCELED' | 'FAILED' };

export type TaskPhaseKind = TaskPhase['kind'];

/** The phases each phase may move to; anything else is a bug in the task. */
const NEXT: { readonly [K in TaskPhaseKind]: readonly TaskPhaseKind[] } = {
  created: ['deploying', 'canceling', 'ended'],
  deploying: ['running', 'canceling', 'ended'],
  running: ['suspendedAtSavepoint', 'awaitingFinalCheckpoint', 'finishing', 'canceling', 'ended'],
  suspendedAtSavepoint: ['suspendedAtSavepoint', 'running', 'awaitingFinalCheckpoint', 'finishing', 'canceling', 'ended'],
  awaitingFinalCheckpoint: ['awaitingFinalCheckpoint', 'finishing', 'canceling', 'ended'],
  finishing: ['canceling', 'ended'],
  canceling: ['ended'],
  ended: [],
};

export function canMove(from: TaskPhase, to: TaskPhase): boolean {
  return NEXT[from.kind].includes(to.kind);
}

/** The phase as Flink's ExecutionState, which is what the JobManager and REST see. */
export function executionStateOf(phase: TaskPhase): ExecutionState {
  switch (phase.kind) {
    case 'created':
      return 'CREATED';
    case 'deploying':
      return 'DEPLOYING';
    case 'running':
    case 'suspendedAtSavepoint':
    case 'awaitingFinalCheckpoint':
    case 'finishing':
      return 'RUNNING';
    case 'canceling':
      return 'CANCELING';
    case 'ended':
      return phase.state;
    default:
      return assertNever(phase, 'task phase');
  }
}

export function describePhase(phase: TaskPhase): string {
  switch (phase.kind) {
    case 'suspendedAtSavepoint':
      return `suspended at savepoint ${phase.savepointId}`;
    case 'awaitingFinalCheckpoint':
      return phase.finalCheckpointId === undefined ? 'awaiting a final checkpoint' : `awaiting final checkpoint ${phase.finalCheckpointId}`;
    case 'ended':
      return phase.state;
    default:
      return phase.kind;
  }
}
