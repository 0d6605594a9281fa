import net from 'net';
import { runScript } from '../harness/processes';

/** A log service that accepts the job's connection and never sends a line: the job runs until stopped. */
async function silentLogService(): Promise<{ port: number; connected: Promise<void>; close: () => Promise<void> }> {
  const sockets: net.Socket[] = [];
  let connected!: () => void;
  const connection = new Promise<void>((resolve) => (connected = resolve));
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    connected();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const close = (): Promise<void> => {
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return { port, connected: connection, close };
}

/** Runs the sample until its source connected, sends SIGTERM, and returns how it ended (killed if it hangs). */
async function terminate(args: readonly string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const service = await silentLogService();
  const { child, done } = runScript('samples/ipcount/main.js', ['--host', '127.0.0.1', '--port', String(service.port), ...args]);
  let signal: NodeJS.Signals | null = null;
  child.once('exit', (_code, s) => (signal = s));
  let timer: NodeJS.Timeout | undefined;
  try {
    await service.connected;
    child.kill('SIGTERM');
    const { code, stderr } = await Promise.race([
      done,
      new Promise<never>(
        (_, reject) =>
          (timer = setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error('the sample did not exit within 15 s of SIGTERM'));
          }, 15_000)),
      ),
    ]);
    return { code, signal, stderr };
  } finally {
    clearTimeout(timer);
    await service.close();
  }
}

describe('npm run ipcount on SIGTERM', () => {
  it('cancels the job and exits 130 on one TaskManager', async () => {
    expect(await terminate([])).toMatchObject({ code: 130, signal: null });
  }, 30_000);

  it('cancels the job and exits 130 on TaskManager threads, as on one TaskManager', async () => {
    const ended = await terminate(['--task-managers', '2']);
    expect(ended).toMatchObject({ code: 130, signal: null });
    expect(ended.stderr).not.toMatch(/failed/);
  }, 30_000);
});
