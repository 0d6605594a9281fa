import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import { runScript, waitForOutput } from '../harness/processes';

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

describe('samples/ipcount-exactly-once when Redis cannot be reached', () => {
  it('fails its source with a message naming the URL instead of finishing idle with 0 lines read', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-eo-down-'));
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const { child, done } = runScript('samples/ipcount-exactly-once/main.js', [
      '--redis', url, '--source', 'access', '--sink', 'ipcounts', '--checkpoint-dir', path.join(dir, 'checkpoints'),
      '--parallelism', '1', '--stop-when-idle', '300', '--restart-attempts', '0',
    ]);
    // Killed once the source's failure is printed: this is about the source, not how the job ends.
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        waitForOutput(child, 'stderr', /Redis source cannot connect to/),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('no source failure printed within 15 s')), 15_000))),
      ]);
    } finally {
      clearTimeout(timer);
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const { stderr } = await done;
    expect(stderr).toContain(`Source: Redis Source (subtask 0): Redis source cannot connect to ${url}: connect ECONNREFUSED`);
    expect(stderr).not.toContain('finished;');
  }, 30_000);
});
