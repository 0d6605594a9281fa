import fs from 'fs';
import os from 'os';
import path from 'path';
import { StateHandle } from '../../lib/runtime/checkpoint/CheckpointMetadata';
import { persistSubtaskState } from '../../lib/runtime/checkpoint/CheckpointStorage';
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
    states.snapshotCompleted(
      1,
      undefined,
      new Map([
        ['1.0', null],
        ['1.1', bytesOf('checkpoint-1')],
      ]),
    );
    expect(await text(states.subtaskFinished('1.0'))).toBeNull();
    expect(states.finalStateOf('1.1')).toBeUndefined();
  });

  it("reads a finished subtask's state around a damaged copy, warning on stderr which checkpoint the copy belongs to", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-finished-'));
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const handle = await persistSubtaskState({ directory: dir, replicas: 2 }, '1-0.state', Buffer.from('final state'));
      fs.writeFileSync(path.join(dir, '1-0.state'), 'flipped bytes');
      const states = new FinishedSubtaskStates();
      states.snapshotCompleted(4, dir, new Map([['1.0', handle]]));
      expect(await text(states.subtaskFinished('1.0'))).toBe('final state');
      expect(stderr.mock.calls.map((c) => String(c[0]))).toEqual([
        expect.stringMatching(/^brook: warning: checkpoint 4: state file .*1-0\.state is corrupt.*reading its copy/),
      ]);
    } finally {
      stderr.mockRestore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('keeps states per attempt: after clear() no subtask has finished, and one finishing before it acknowledged anything finishes with none', async () => {
    const states = new FinishedSubtaskStates();
    states.snapshotCompleted(
      1,
      undefined,
      new Map([
        ['1.0', bytesOf('attempt-0')],
        ['1.1', bytesOf('attempt-0')],
      ]),
    );
    await states.subtaskFinished('1.0');
    states.clear();
    expect(states.finalStateOf('1.0')).toBeUndefined();
    expect(await text(states.subtaskFinished('1.1'))).toBeNull();
  });
});
