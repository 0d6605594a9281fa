import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { LOCK_NAME } from '../../lib/runtime/checkpoint/CheckpointDirectoryLock';
import { RedisServer } from '../harness/RedisServer';

const MAIN = path.join(__dirname, '../../dist/samples/ipcount-exactly-once/main.js');

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** The exactly-once IpCount sample as a process of its own, killed after 30 s at the latest. */
function runSample(args: readonly string[]): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const watchdog = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const exit = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(watchdog);
      resolve({ code, signal, stderr });
    }),
  );
  return { child, exit };
}

/** Waits (bounded) until `file` exists: a process this test started is making progress. */
async function waitForFile(file: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (fs.existsSync(file)) return;
    if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before ${file} appeared`);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${file} did not appear within 10 s`);
}

describe('a checkpoint directory has one owner, across processes', () => {
  let redis: RedisServer;
  let dir: string;
  beforeAll(async () => {
    redis = await RedisServer.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-chk-lock-e2e-'));
  });
  afterAll(async () => {
    await redis?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second instance while the first runs; restarted after the first was killed with SIGKILL, it takes over', async () => {
    const checkpoints = path.join(dir, 'checkpoints');
    const args = [
      '--redis',
      redis.url,
      '--source',
      'access',
      '--sink',
      'counts',
      '--checkpoint-dir',
      checkpoints,
      '--parallelism',
      '1',
      '--checkpoint-interval',
      '50',
    ];
    const first = runSample(args);
    try {
      await waitForFile(path.join(checkpoints, 'chk-1'), first.child);
      expect(fs.existsSync(path.join(checkpoints, LOCK_NAME))).toBe(true);

      const second = await runSample([...args, '--stop-when-idle', '200']).exit;
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`checkpoint directory ${checkpoints} is in use by another running job (process ${first.child.pid} on ${os.hostname()})`);
      expect(first.child.exitCode).toBeNull(); // the first instance goes on
    } finally {
      first.child.kill('SIGKILL');
    }
    expect((await first.exit).signal).toBe('SIGKILL');
    // The killed process left its lock behind; the restarted one sees its holder is gone.
    expect(fs.existsSync(path.join(checkpoints, LOCK_NAME))).toBe(true);
    const restarted = await runSample([...args, '--stop-when-idle', '200']).exit;
    expect(restarted.stderr).toMatch(/resuming from .*chk-\d+/);
    expect(restarted.code).toBe(0);
    expect(fs.existsSync(path.join(checkpoints, LOCK_NAME))).toBe(false);
  }, 60_000);
});
