import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import { createClient } from 'redis';
import { freeLoopbackPort } from '../../lib/cluster/net/freeLoopbackPorts';

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * A redis-server on a free 127.0.0.1 port that the chaos runner can SIGKILL and start again on
 * the same port and data directory. It keeps an append-only file fsynced on every write
 * (appendonly yes, appendfsync always), so a write Redis acknowledged survives the kill: what a
 * round then loses or doubles is the job's doing, not Redis's.
 */
export class DurableRedis {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly directory: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  static async start(directory: string): Promise<DurableRedis> {
    fs.mkdirSync(directory, { recursive: true });
    const redis = new DurableRedis(await freeLoopbackPort(), directory);
    await redis.restart();
    return redis;
  }

  /** Starts the server (again), replaying its append-only file; resolves once it answers PING. */
  async restart(): Promise<void> {
    if (this.running) throw new Error('redis-server is already running');
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.directory, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''],
      { stdio: 'ignore' },
    );
    this.child = child;
    const spawnError = new Promise<never>((_, reject) =>
      child.once('error', (e) => reject(new Error(`cannot start redis-server (install it: apt-get install redis-server): ${e.message}`))),
    );
    await Promise.race([this.waitUntilReady(), spawnError]);
  }

  /** SIGKILL: no shutdown, no final flush. */
  async kill(): Promise<void> {
    await this.stopWith('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.stopWith('SIGTERM');
  }

  private async stopWith(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`redis-server on port ${this.port} exited at start (is the port taken?)`);
      const client = createClient({ url: this.url, socket: { reconnectStrategy: false, connectTimeout: 1000 } });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.ping();
        client.destroy();
        return;
      } catch {
        if (client.isOpen) client.destroy();
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error(`redis-server did not answer on port ${this.port} within ${READY_TIMEOUT_MS} ms`);
  }
}
