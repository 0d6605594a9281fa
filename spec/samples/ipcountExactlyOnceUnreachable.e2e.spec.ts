import fs from 'fs';
import os from 'os';
import path from 'path';
import { runScript } from '../harness/processes';
import { freeLoopbackPort } from '../../lib/cluster/net/freeLoopbackPorts';

describe('samples/ipcount-exactly-once when Redis cannot be reached', () => {
  it('fails naming the URL and exits non-zero within a bounded time, instead of finishing idle or hanging', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-eo-down-'));
    const url = `redis://127.0.0.1:${await freeLoopbackPort()}`;
    const { child, done } = runScript('samples/ipcount-exactly-once/main.js', [
      '--redis',
      url,
      '--source',
      'access',
      '--sink',
      'ipcounts',
      '--checkpoint-dir',
      path.join(dir, 'checkpoints'),
      '--parallelism',
      '1',
      '--stop-when-idle',
      '300',
      '--restart-attempts',
      '0',
    ]);
    // The process must end by itself: killed only if it hangs, which fails the test.
    let timer: NodeJS.Timeout | undefined;
    let hung = false;
    try {
      const { code, stderr } = await Promise.race([
        done,
        new Promise<never>(
          (_, reject) =>
            (timer = setTimeout(() => {
              hung = true;
              child.kill('SIGKILL');
              reject(new Error('the process did not exit within 20 s of Redis being unreachable'));
            }, 20_000)),
        ),
      ]);
      expect(hung).toBe(false);
      expect(stderr).toContain(`Source: Redis Source (subtask 0): Redis source cannot connect to ${url}: connect ECONNREFUSED`);
      expect(stderr).not.toContain('finished;');
      expect(code).toBe(1);
    } finally {
      clearTimeout(timer);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
