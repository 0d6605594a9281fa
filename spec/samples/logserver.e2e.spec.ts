import net from 'net';
import { runScript } from '../harness/processes';

describe('the log server sample', () => {
  it('on a busy port says which flag picks another one, exits non-zero, prints no stack trace', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const result = await runScript('samples/logserver/main.js', ['--port', String(port)]).done;
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`log server: 127.0.0.1:${port} is already in use; pick another port with --port N (--port 0 picks a free one)\n`);
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
  });
});
