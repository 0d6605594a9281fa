import { StateHandle } from '../../lib/runtime/checkpoint/CheckpointMetadata';
import { FinishedSubtaskStates } from '../../lib/runtime/checkpoint/FinishedSubtaskStates';

function bytesOf(text: string): StateHandle {
  return { kind: 'bytes', bytes: Buffer.from(text) };
}

async function text(state: Promise<Uint8Array | null> | undefined): Promise<string | null | undefined> {
  const bytes = await state;
  return bytes === undefined || bytes === null ? bytes : Buffer.from(bytes).toString();
}

describe('FinishedSubtaskStates', () => {
  it('a finished subtask keeps the state of the newest completed snapshot, also when an older one completes after it', async () => {
    // Two snapshots pending at once (a savepoint forced during a checkpoint) finalize
    // independently: the savepoint may complete first.
    const states = new FinishedSubtaskStates();
    states.snapshotCompleted(2, undefined, new Map([['1.0', bytesOf('savepoint-2')]]));
    states.snapshotCompleted(1, undefined, new Map([['1.0', bytesOf('checkpoint-1')]]));
    expect(await text(states.subtaskFinished('1.0'))).toBe('savepoint-2');
    expect(await text(states.finalStateOf('1.0'))).toBe('savepoint-2');
  });

  it('a subtask that acknowledged no state finishes with none; one that has not finished has no final state', async () => {
    const states = new FinishedSubtaskStates();
    states.snapshotCompleted(1, undefined, new Map([['1.0', null], ['1.1', bytesOf('checkpoint-1')]]));
    expect(await text(states.subtaskFinished('1.0'))).toBeNull();
    expect(states.finalStateOf('1.1')).toBeUndefined();
  });
});
