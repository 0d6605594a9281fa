import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { sleep } from './rest';
import { freeLoopbackPorts } from '../../lib/cluster/net/freeLoopbackPorts';

/**
 * A 3-member etcd on 127.0.0.1 (free ports, a temporary data directory), as the HA tests start
 * one: short raft heartbeat and election timeouts, so a lease TTL of 1 s is allowed.
 */
export class LocalEtcd {
  private constructor(
    private readonly members: ChildProcess[],
    readonly clientAddresses: string[],
    private readonly dir: string,
  ) {}

  /** `etcd://h1:p1,h2:p2,h3:p3` for --ha. */
  get haUrl(): string {
    return `etcd://${this.clientAddresses.join(',')}`;
  }

  static async start(size = 3): Promise<LocalEtcd> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-bench-etcd-'));
    const ports = await freeLoopbackPorts(2 * size);
    const peer = (i: number): string => `http://127.0.0.1:${ports[2 * i + 1]}`;
    const cluster = Array.from({ length: size }, (_, i) => `m${i}=${peer(i)}`).join(',');
    const clients = Array.from({ length: size }, (_, i) => `127.0.0.1:${ports[2 * i]}`);
    const members = clients.map((client, i) =>
      spawn(
        'etcd',
        [
          ...['--name', `m${i}`, '--data-dir', path.join(dir, `m${i}`)],
          ...['--listen-client-urls', `http://${client}`, '--advertise-client-urls', `http://${client}`],
          ...['--listen-peer-urls', peer(i), '--initial-advertise-peer-urls', peer(i)],
          ...['--initial-cluster', cluster, '--initial-cluster-state', 'new', '--initial-cluster-token', path.basename(dir)],
          ...['--heartbeat-interval', '50', '--election-timeout', '500', '--logger', 'zap', '--log-level', 'error'],
        ],
        { stdio: 'ignore' },
      ),
    );
    const etcd = new LocalEtcd(members, clients, dir);
    const { Etcd3 } = await import('etcd3');
    const until = Date.now() + 30_000;
    for (;;) {
      const client = new Etcd3({ hosts: clients.map((c) => `http://${c}`), dialTimeout: 500 });
      try {
        await client
          .put('/health')
          .value('ok')
          .options({ deadline: Date.now() + 1000 })
          .exec();
        return etcd;
      } catch (e) {
        if (Date.now() > until) {
          await etcd.stop();
          throw new Error(`etcd did not become healthy: ${String(e)}`);
        }
        await sleep(100);
      } finally {
        client.close();
      }
    }
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.members.map((m) =>
        m.exitCode !== null || m.signalCode !== null ? undefined : new Promise<void>((resolve) => m.once('exit', () => resolve()).kill('SIGKILL')),
      ),
    );
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
