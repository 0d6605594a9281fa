import fs from 'fs';
import os from 'os';
import path from 'path';
import { findLatestCompletedCheckpoint } from '../../lib/runtime/checkpoint/CheckpointStorage';
import { runScript } from '../harness/processes';
import { RedisServer } from '../harness/RedisServer';

describe('npm run ipcount:eo on SIGTERM', () => {
  let dir: string;
  let redis: RedisServer;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-eo-sigterm-'));
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    await redis.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const taskManagers of [undefined, 2]) {
    const where = taskManagers === undefined ? 'on one TaskManager' : `on ${taskManagers} TaskManager threads`;
    it(`cancels the running job and exits 130 ${where}`, async () => {
      const checkpoints = path.join(dir, 'checkpoints');
      const { child, done } = runScript('samples/ipcount-exactly-once/main.js', [
        '--redis',
        redis.url,
        '--source',
        'access',
        '--sink',
        'ipcounts',
        '--checkpoint-dir',
        checkpoints,
        '--parallelism',
        '2',
        '--checkpoint-interval',
        '100',
        ...(taskManagers === undefined ? [] : ['--task-managers', String(taskManagers)]),
      ]);
      let signal: NodeJS.Signals | null = null;
      child.once('exit', (_code, s) => (signal = s));
      let timer: NodeJS.Timeout | undefined;
      try {
        // Running: a checkpoint completed.
        const deadline = Date.now() + 15_000;
        while (findLatestCompletedCheckpoint(checkpoints) === undefined) {
          if (Date.now() > deadline || child.exitCode !== null) throw new Error('no checkpoint completed within 15 s');
          await new Promise((r) => setTimeout(r, 50));
        }
        child.kill('SIGTERM');
        const { code, stderr } = await Promise.race([
          done,
          new Promise<never>(
            (_, reject) =>
              (timer = setTimeout(() => {
                child.kill('SIGKILL');
                reject(new Error('ipcount:eo did not exit within 15 s of SIGTERM'));
              }, 15_000)),
          ),
        ]);
        expect({ code, signal }).toEqual({ code: 130, signal: null });
        expect(stderr).not.toMatch(/failed/);
      } finally {
        clearTimeout(timer);
        if (child.exitCode === null && signal === null) child.kill('SIGKILL');
      }
    }, 40_000);
  }
});
