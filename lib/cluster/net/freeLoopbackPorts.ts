import net from 'net';

/**
 * Ports on 127.0.0.1 that nothing listens on right now, for servers started next (redis-server,
 * etcd members, brook processes on one machine). Every listener is held open until all are
 * chosen, so no two of them are the same; another program may still take one before it is used.
 */
export async function freeLoopbackPorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer().once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((closed) => s.close(closed))));
  return ports;
}

/** One port on 127.0.0.1 that nothing listens on right now (see freeLoopbackPorts). */
export async function freeLoopbackPort(): Promise<number> {
  const [port] = await freeLoopbackPorts(1);
  return port!;
}
