import fs from 'fs';
import os from 'os';
import path from 'path';
import { LOCK_POLL_MS, whenCheckpointDirectoryFree } from '../../lib/cluster/whenCheckpointDirectoryFree';
import { isCheckpointDirectoryHeld, LOCK_HOLDER_NAME, LOCK_NAME, lockCheckpointDirectory } from '../../lib/runtime/checkpoint/CheckpointDirectoryLock';
import { ManualClock } from '../../lib/time/ManualClock';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("a recovering leader and the previous leader's checkpoint-directory lock", () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-lockwait-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('waits while a live holder keeps the lock, and goes on once it is released', async () => {
    const lock = lockCheckpointDirectory(dir, () => undefined);
    const clock = new ManualClock(0);
    let free: boolean | undefined;
    void whenCheckpointDirectoryFree(dir, clock).then((f) => (free = f));
    await turn();
    clock.advance(LOCK_POLL_MS);
    await turn();
    expect(free).toBeUndefined();
    lock.release();
    clock.advance(LOCK_POLL_MS);
    await turn();
    expect(free).toBe(true);
  });

  it('gives up after its bound, so the start fails with the lock error instead of waiting forever', async () => {
    const lock = lockCheckpointDirectory(dir, () => undefined);
    try {
      const clock = new ManualClock(0);
      let free: boolean | undefined;
      void whenCheckpointDirectoryFree(dir, clock, 3 * LOCK_POLL_MS).then((f) => (free = f));
      for (let i = 0; i < 3; i++) {
        await turn();
        clock.advance(LOCK_POLL_MS);
      }
      await turn();
      expect(free).toBe(false);
    } finally {
      lock.release();
    }
  });

  it('takes a stale lock of a holder on another host, and a dead holder of this host, as free', () => {
    fs.mkdirSync(path.join(dir, LOCK_NAME));
    fs.writeFileSync(path.join(dir, LOCK_HOLDER_NAME), JSON.stringify({ pid: 1, hostname: 'another-host' }));
    expect(isCheckpointDirectoryHeld(dir)).toBe(true); // fresh: the other host may be alive
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(dir, LOCK_NAME), old, old);
    expect(isCheckpointDirectoryHeld(dir)).toBe(false);

    fs.rmSync(path.join(dir, LOCK_NAME), { recursive: true });
    fs.mkdirSync(path.join(dir, LOCK_NAME));
    fs.writeFileSync(path.join(dir, LOCK_HOLDER_NAME), JSON.stringify({ pid: 2 ** 22 + 17, hostname: os.hostname() }));
    expect(isCheckpointDirectoryHeld(dir)).toBe(false);
  });
});
