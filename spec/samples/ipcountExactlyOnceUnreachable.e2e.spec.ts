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
  it('fails with a message naming the URL instead of finishing idle with 0 lines read', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-eo-down-'));
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const { child, done } = runScript('samples/ipcount-exactly-once/main.js', [
      '--redis', url, '--source', 'access', '--sink', 'ipcounts', '--checkpoint-dir', path.join(dir, 'checkpoints'),
      '--parallelism', '1', '--stop-when-idle', '300', '--restart-attempts', '0',
    ]);
    try {
      const escaped = url.replace(/[.]/g, '\\.');
      await waitForOutput(child, 'stderr', new RegExp(`failed: .*Redis source cannot connect to ${escaped}: connect ECONNREFUSED`));
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const { stderr } = await done;
    expect(stderr).toContain(`Source: Redis Source (subtask 0): Redis source cannot connect to ${url}: connect ECONNREFUSED`);
    expect(stderr).not.toContain('finished;');
  }, 30_000);
});
