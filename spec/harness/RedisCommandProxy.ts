import net from 'net';

/** What to do with a command the client sent: pass it on, or cut the client's connection there. */
export type ProxyVerdict = 'forward' | 'drop-connection';

/** One client connection through the proxy; `index` counts connections from 0 in accept order. */
export interface ProxiedConnection {
  readonly index: number;
}

/**
 * Called for each command a client sends, in order, before it reaches Redis: the next command of
 * that connection waits until this one's hook resolved, so a spec can run something else on Redis
 * right between two commands of the code under test.
 */
export type CommandHook = (command: string[], connection: ProxiedConnection) => Promise<ProxyVerdict>;

/**
 * A TCP proxy in front of a real redis-server that reads the commands clients send (RESP arrays
 * of bulk strings, `*N\r\n$len\r\n…\r\n`, as node-redis writes them) and hands each to a hook
 * before passing it on unchanged; replies go back untouched. It lets a spec drive an exact
 * interleaving: another client's write between a WATCH and its EXEC, or a connection lost at a
 * given command.
 */
export class RedisCommandProxy {
  private readonly sockets = new Set<net.Socket>();
  private connections = 0;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(upstreamPort: number, hook: CommandHook): Promise<RedisCommandProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    const proxy = new RedisCommandProxy(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (client) => proxy.relay(client, upstreamPort, hook));
    return proxy;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: net.Socket, upstreamPort: number, hook: CommandHook): void {
    const connection: ProxiedConnection = { index: this.connections++ };
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => undefined); // a cut connection is what some specs want
      s.on('close', () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.on('data', (reply: Buffer) => client.write(reply));

    let pending = Buffer.alloc(0);
    // Commands pass one after another: each waits for the hooks of those sent before it.
    let queue = Promise.resolve();
    client.on('data', (data: Buffer) => {
      pending = Buffer.concat([pending, data]);
      for (let parsed = parseCommand(pending); parsed !== undefined; parsed = parseCommand(pending)) {
        const { command, raw } = parsed;
        pending = pending.subarray(raw.length);
        queue = queue.then(async () => {
          if (client.destroyed) return;
          const verdict = await hook(command, connection);
          if (verdict === 'drop-connection') client.destroy();
          else upstream.write(raw);
        });
      }
    });
  }
}

/** The first complete command in `buffer` and its bytes, or undefined while it is incomplete. */
function parseCommand(buffer: Buffer): { command: string[]; raw: Buffer } | undefined {
  const line = (from: number): { text: string; next: number } | undefined => {
    const end = buffer.indexOf('\r\n', from);
    return end < 0 ? undefined : { text: buffer.toString('latin1', from, end), next: end + 2 };
  };
  const header = line(0);
  if (header === undefined) return undefined;
  if (!header.text.startsWith('*')) throw new Error(`RedisCommandProxy: expected a RESP array, got ${JSON.stringify(header.text)}`);
  const command: string[] = [];
  let at = header.next;
  for (let i = 0; i < Number(header.text.slice(1)); i++) {
    const size = line(at);
    if (size === undefined) return undefined;
    const length = Number(size.text.slice(1));
    if (buffer.length < size.next + length + 2) return undefined;
    command.push(buffer.toString('utf8', size.next, size.next + length));
    at = size.next + length + 2;
  }
  return { command, raw: buffer.subarray(0, at) };
}
