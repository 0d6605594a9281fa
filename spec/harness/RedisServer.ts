import { ChildProcess, spawn } from 'child_process';
import { createClient } from 'redis';
import { freeLoopbackPort } from '../../lib/cluster/net/freeLoopbackPorts';

/**
 * A real redis-server on a free loopback port, without persistence, for tests. `.ci/run`
 * installs it from Debian's packages; start() fails with a clear message when it is missing.
 */
export class RedisServer {
  private constructor(
    private readonly process: ChildProcess,
    readonly port: number,
    private readonly dir: string | undefined,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /**
   * With `dir`, the data outlives the server: stop({ save: true }) writes it there and a server
   * started again on the same port and dir loads it (an outage, not a loss).
   */
  static async start(options: { port?: number; dir?: string } = {}): Promise<RedisServer> {
    const port = options.port ?? (await freeLoopbackPort());
    const files = options.dir ? ['--dir', options.dir, '--dbfilename', 'dump.rdb'] : [];
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...files], { stdio: 'ignore' });
    const spawnError = new Promise<never>((_, reject) =>
      child.once('error', (e) => reject(new Error(`cannot start redis-server (install it: apt-get install redis-server): ${e.message}`))),
    );
    const server = new RedisServer(child, port, options.dir);
    await Promise.race([server.waitUntilReady(), spawnError]);
    return server;
  }

  /** Stops the server; with `save` (and a dir) its data is written first, for a restart to load. */
  async stop(options: { save?: boolean } = {}): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    if (options.save) {
      if (!this.dir) throw new Error('RedisServer.stop({ save: true }) needs a server started with a dir');
      const client = createClient({ url: this.url });
      client.on('error', () => undefined);
      await client.connect();
      await client.sendCommand(['SHUTDOWN', 'SAVE']).catch(() => undefined); // the server closes the connection
      if (client.isOpen) client.destroy();
    } else {
      this.process.kill('SIGTERM');
    }
    await exited;
  }

  /** A server again on the same port and dir, after stop(). */
  restart(): Promise<RedisServer> {
    return RedisServer.start({ port: this.port, dir: this.dir });
  }

  private async waitUntilReady(): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const client = createClient({ url: this.url });
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
    throw new Error(`redis-server did not answer on port ${this.port}`);
  }
}

export type RedisClient = ReturnType<typeof createClient>;

/** What redisServerPerFile gives a spec file: filled in before its first test. */
export interface RedisForFile {
  readonly server: RedisServer;
  readonly client: RedisClient;
}

/**
 * One redis-server for a spec file, emptied before each test, and a client on it: fast enough
 * for a mutation run, which runs the file once per mutant. A test that stops Redis starts its own.
 */
export function redisServerPerFile(): RedisForFile {
  const state: { server?: RedisServer; client?: RedisClient } = {};
  beforeAll(async () => {
    state.server = await RedisServer.start();
    state.client = createClient({ url: state.server.url });
    state.client.on('error', () => undefined);
    await state.client.connect();
  });
  afterAll(async () => {
    state.client?.destroy();
    await state.server?.stop();
  });
  beforeEach(() => state.client!.flushAll());
  return {
    get server(): RedisServer {
      return state.server!;
    },
    get client(): RedisClient {
      return state.client!;
    },
  };
}
