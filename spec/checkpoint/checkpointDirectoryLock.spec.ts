import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  CheckpointDirectoryLock,
  isCheckpointDirectoryHeld,
  LOCK_HOLDER_NAME,
  LOCK_NAME,
  LOCK_STALE_MS,
  lockCheckpointDirectory,
} from '../../lib/runtime/checkpoint/CheckpointDirectoryLock';

/** The pid of a process of this host that has exited. */
function deadPid(): number {
  const child = spawnSync('true');
  return child.pid;
}

describe('the lock of a checkpoint directory', () => {
  let dir: string;
  /** Every lock a test took, released after it (a lock left held would be refreshed into a deleted directory). */
  let taken: CheckpointDirectoryLock[];
  let losses: Error[];
  const lock = (directory: string, staleMs?: number): CheckpointDirectoryLock => {
    const l = lockCheckpointDirectory(directory, (e) => losses.push(e), staleMs);
    taken.push(l);
    return l;
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-lock-'));
    taken = [];
    losses = [];
  });
  afterEach(() => {
    for (const l of taken) l.release();
    expect(losses).toEqual([]);
    jest.useRealTimers();
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A lock left by `holder` (its directory and holder file), as fresh as now. */
  function leftLock(holder: unknown): void {
    fs.mkdirSync(path.join(dir, LOCK_NAME));
    fs.writeFileSync(path.join(dir, LOCK_HOLDER_NAME), typeof holder === 'string' ? holder : JSON.stringify(holder));
  }

  function holderOnDisk(): unknown {
    return JSON.parse(fs.readFileSync(path.join(dir, LOCK_HOLDER_NAME), 'utf8'));
  }

  it('refuses a second holder while the first holds it, naming the holder; once released it can be taken again', () => {
    const first = lock(dir);
    expect(first.directory).toBe(dir);
    expect(holderOnDisk()).toEqual({ pid: process.pid, hostname: os.hostname() });
    expect(isCheckpointDirectoryHeld(dir)).toBe(true);
    expect(() => lock(dir)).toThrow(
      `checkpoint directory ${dir} is in use by another running job (process ${process.pid} on ${os.hostname()}): ` +
        `its lock ${path.join(dir, LOCK_NAME)} is held and fresh. Stop that job first, or give this one another checkpoint directory; ` +
        'the lock of a job that died on another host is released after 10 s.',
    );
    first.release();
    first.release();
    expect(fs.existsSync(path.join(dir, LOCK_NAME))).toBe(false);
    expect(isCheckpointDirectoryHeld(dir)).toBe(false);
    lock(dir).release();
  });

  it('makes the checkpoint directory when it does not exist yet', () => {
    const nested = path.join(dir, 'jobs', 'ipcount');
    expect(isCheckpointDirectoryHeld(nested)).toBe(false);
    lock(nested).release();
    expect(fs.statSync(nested).isDirectory()).toBe(true);
  });

  it('takes over at once the lock of a process of this host that no longer exists', () => {
    const pid = deadPid();
    leftLock({ pid, hostname: os.hostname() });
    expect(isCheckpointDirectoryHeld(dir)).toBe(false);
    const held = lock(dir);
    expect(holderOnDisk()).toEqual({ pid: process.pid, hostname: os.hostname() });
    expect(isCheckpointDirectoryHeld(dir)).toBe(true);
    held.release();
  });

  it('refuses while the holder is a live process of this host, or one of another host, or one it cannot name', () => {
    const message = (holder: string): string => `checkpoint directory ${dir} is in use by another running job${holder}: its lock`;
    leftLock({ pid: process.ppid, hostname: os.hostname() });
    expect(() => lock(dir)).toThrow(message(` (process ${process.ppid} on ${os.hostname()})`));
    expect(isCheckpointDirectoryHeld(dir)).toBe(true);
    fs.rmSync(path.join(dir, LOCK_NAME), { recursive: true });

    const pid = deadPid();
    leftLock({ pid, hostname: 'another-host' });
    expect(() => lock(dir)).toThrow(message(` (process ${pid} on another-host)`));
    expect(isCheckpointDirectoryHeld(dir)).toBe(true);
    fs.rmSync(path.join(dir, LOCK_NAME), { recursive: true });

    for (const unnamed of ['{"pid":', JSON.stringify({ pid: String(deadPid()), hostname: os.hostname() }), JSON.stringify({ pid: deadPid() })]) {
      leftLock(unnamed);
      expect(() => lock(dir)).toThrow(message(''));
      expect(isCheckpointDirectoryHeld(dir)).toBe(true);
      fs.rmSync(path.join(dir, LOCK_NAME), { recursive: true });
    }

    fs.rmSync(path.join(dir, LOCK_HOLDER_NAME));
    fs.mkdirSync(path.join(dir, LOCK_NAME));
    expect(() => lock(dir)).toThrow(message(''));
  });

  it('refuses while the holder is a live process of this host that belongs to another user (it cannot be signalled)', () => {
    const pid = deadPid();
    leftLock({ pid, hostname: os.hostname() });
    jest.spyOn(process, 'kill').mockImplementation(() => {
      throw Object.assign(new Error(`kill EPERM`), { code: 'EPERM' });
    });
    expect(() => lock(dir)).toThrow(`in use by another running job (process ${pid} on ${os.hostname()})`);
    expect(isCheckpointDirectoryHeld(dir)).toBe(true);
  });

  it('takes over the lock of another host once it was not refreshed for the stale time, and says how long that is', () => {
    leftLock({ pid: 4242, hostname: 'another-host' });
    expect(() => lock(dir, 30_000)).toThrow(/is released after 30 s\.$/);
    const past = new Date(Date.now() - 20_000);
    fs.utimesSync(path.join(dir, LOCK_NAME), past, past);
    expect(isCheckpointDirectoryHeld(dir, 30_000)).toBe(true);
    expect(() => lock(dir, 30_000)).toThrow(/in use by another running job/);
    expect(isCheckpointDirectoryHeld(dir)).toBe(false);
    const held = lock(dir);
    expect(holderOnDisk()).toEqual({ pid: process.pid, hostname: os.hostname() });
    held.release();
  });

  it('names the directory when it cannot be locked for another reason than a holder', () => {
    expect(() => lock('/proc/self')).toThrow(/^cannot lock checkpoint directory \/proc\/self: /);
  });

  it('tells the holder when its lock was taken away, and then releasing it leaves the new holder alone', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    const first = lock(dir, 2000);
    fs.rmSync(path.join(dir, LOCK_NAME), { recursive: true });
    jest.advanceTimersByTime(LOCK_STALE_MS);
    for (let turns = 0; turns < 100 && losses.length === 0; turns++) await new Promise((resolve) => setImmediate(resolve));
    expect(losses.splice(0).map((e) => e.message)).toEqual([
      expect.stringMatching(new RegExp(`^lost the lock of checkpoint directory ${dir} \\(.*\\): another job may use the directory now; this one stops$`)),
    ]);
    lock(dir);
    first.release();
    expect(isCheckpointDirectoryHeld(dir)).toBe(true);
  });
});
