import { canMove, describePhase, executionStateOf, TaskPhase } from '../../lib/runtime/TaskPhase';

const running: TaskPhase = { kind: 'running' };
const suspended: TaskPhase = { kind: 'suspendedAtSavepoint', savepointId: 3 };
const awaiting: TaskPhase = { kind: 'awaitingFinalCheckpoint', finalCheckpointId: undefined };
const finishing: TaskPhase = { kind: 'finishing' };
const finished: TaskPhase = { kind: 'ended', state: 'FINISHED' };

describe('TaskPhase', () => {
  it('reports the four phases of a live task as RUNNING, the others as themselves', () => {
    expect([running, suspended, awaiting, finishing].map(executionStateOf)).toEqual(['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING']);
    expect(executionStateOf({ kind: 'created' })).toBe('CREATED');
    expect(executionStateOf({ kind: 'deploying' })).toBe('DEPLOYING');
    expect(executionStateOf({ kind: 'canceling' })).toBe('CANCELING');
    expect(executionStateOf({ kind: 'ended', state: 'FAILED' })).toBe('FAILED');
  });

  it('allows the lifecycle forward, and back from a suspension only to running', () => {
    expect(canMove(running, suspended)).toBe(true);
    expect(canMove(suspended, running)).toBe(true); // the savepoint was aborted
    expect(canMove(running, awaiting)).toBe(true);
    expect(canMove(awaiting, finishing)).toBe(true);
    expect(canMove(finishing, finished)).toBe(true);
    // No way back once the input ended or the task is finishing; nothing after the end.
    expect(canMove(awaiting, running)).toBe(false);
    expect(canMove(finishing, awaiting)).toBe(false);
    expect(canMove(finishing, running)).toBe(false);
    expect(canMove(finished, running)).toBe(false);
    expect(canMove({ kind: 'created' }, running)).toBe(false);
  });

  it('describes a phase for logs and declines', () => {
    expect(describePhase(suspended)).toBe('suspended at savepoint 3');
    expect(describePhase(awaiting)).toBe('awaiting a final checkpoint');
    expect(describePhase({ kind: 'awaitingFinalCheckpoint', finalCheckpointId: 7 })).toBe('awaiting final checkpoint 7');
    expect(describePhase(finished)).toBe('FINISHED');
  });
});
