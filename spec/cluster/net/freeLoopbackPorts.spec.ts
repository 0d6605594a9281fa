import net from 'net';
import { freeLoopbackPorts } from '../../../lib/cluster/net/freeLoopbackPorts';

function listen(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('freeLoopbackPorts', () => {
  it('gives distinct ports that a server can listen on at once', async () => {
    const ports = await freeLoopbackPorts(8);
    expect(new Set(ports).size).toBe(8);
    const servers = await Promise.all(ports.map(listen));
    await Promise.all(servers.map((s) => new Promise((closed) => s.close(closed))));
  });
});
