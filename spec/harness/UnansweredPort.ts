import { ChildProcess, spawn } from 'child_process';
import net from 'net';

/**
 * A port whose TCP handshake never completes: a listener with a backlog of one in a process
 * that is then stopped (SIGSTOP), so it accepts nothing, and whose accept queue two sockets
 * fill; Linux then drops every further SYN, and a connect hangs until its own timeout.
 */
export class UnansweredPort {
  private constructor(
    readonly port: number,
    private readonly listener: ChildProcess,
    private readonly sockets: readonly net.Socket[],
  ) {}

  static async start(): Promise<UnansweredPort> {
    const child = spawn(
      process.execPath,
      ['-e', "const s = require('net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => console.log(s.address().port));"],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const sockets: net.Socket[] = [];
    const unanswered = new UnansweredPort(
      await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim())))),
      child,
      sockets,
    );
    try {
      child.kill('SIGSTOP');
      for (let i = 0; i < 2; i++) {
        const s = net.connect(unanswered.port, '127.0.0.1');
        s.on('error', () => undefined);
        sockets.push(s);
        await new Promise((connected) => s.once('connect', connected));
      }
      return unanswered;
    } catch (e) {
      unanswered.close();
      throw e;
    }
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  close(): void {
    for (const s of this.sockets) s.destroy();
    this.listener.kill('SIGKILL'); // a stopped process takes SIGKILL too
  }
}
