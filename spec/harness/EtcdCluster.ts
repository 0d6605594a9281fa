import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Etcd3 } from 'etcd3';
import { freeLoopbackPorts } from '../../lib/cluster/net/freeLoopbackPorts';

interface Member {
  readonly name: string;
  readonly clientUrl: string;
  readonly process: ChildProcess;
  stderr: string;
}

/**
 * A real etcd cluster of `size` members on 127.0.0.1, free ports, a temporary data directory,
 * for tests. `.ci/run` installs etcd from Debian's etcd-server package. Short heartbeat and
 * election timeouts make a lost member's replacement leader quick, and the minimum lease TTL 1 s.
 */
export class EtcdCluster {
  private constructor(
    private readonly members: Member[],
    private readonly dir: string,
  ) {}

  /** Client URLs of every member, dead or alive. */
  get hosts(): string[] {
    return this.members.map((m) => m.clientUrl);
  }

  static async start(size = 3, timeoutMs = 20_000): Promise<EtcdCluster> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-etcd-'));
    const ports = await freeLoopbackPorts(2 * size);
    const names = Array.from({ length: size }, (_, i) => `m${i}`);
    const peerUrl = (i: number): string => `http://127.0.0.1:${ports[2 * i + 1]}`;
    const initialCluster = names.map((n, i) => `${n}=${peerUrl(i)}`).join(',');
    const members = names.map((name, i): Member => {
      const clientUrl = `http://127.0.0.1:${ports[2 * i]}`;
      const args = [
        ['--name', name],
        ['--data-dir', path.join(dir, name)],
        ['--listen-client-urls', clientUrl],
        ['--advertise-client-urls', clientUrl],
        ['--listen-peer-urls', peerUrl(i)],
        ['--initial-advertise-peer-urls', peerUrl(i)],
        ['--initial-cluster', initialCluster],
        ['--initial-cluster-state', 'new'],
        ['--initial-cluster-token', path.basename(dir)],
        ['--heartbeat-interval', '50'],
        ['--election-timeout', '500'],
        ['--logger', 'zap'],
        ['--log-level', 'error'],
      ].flat();
      const child = spawn('etcd', args, { stdio: ['ignore', 'ignore', 'pipe'] });
      const member: Member = { name, clientUrl, process: child, stderr: '' };
      child.stderr?.on('data', (chunk: Buffer) => {
        member.stderr = (member.stderr + chunk.toString()).slice(-4000);
      });
      return member;
    });
    const cluster = new EtcdCluster(members, dir);
    const spawnError = new Promise<never>((_, reject) =>
      members[0].process.once('error', (e) => reject(new Error(`cannot start etcd (install it: apt-get install etcd-server): ${e.message}`))),
    );
    try {
      await Promise.race([cluster.waitUntilHealthy(timeoutMs), spawnError]);
    } catch (e) {
      await cluster.stop();
      throw e;
    }
    return cluster;
  }

  /** The index of the member that is raft leader now, as the members themselves report it. */
  async leaderIndex(): Promise<number> {
    for (let i = 0; i < this.members.length; i++) {
      const m = this.members[i];
      if (m.process.exitCode !== null || m.process.signalCode !== null) continue;
      const client = new Etcd3({ hosts: m.clientUrl, dialTimeout: 500 });
      try {
        const status = await client.maintenance.status({ deadline: Date.now() + 1000 });
        if (status.leader === status.header.member_id) return i;
      } finally {
        client.close();
      }
    }
    throw new Error('no etcd member reports itself leader');
  }

  /** kill -9 of one member: the others keep a quorum. */
  async kill(index: number): Promise<void> {
    await stopProcess(this.members[index].process, 'SIGKILL');
  }

  async stop(): Promise<void> {
    await Promise.all(this.members.map((m) => stopProcess(m.process, 'SIGKILL')));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Every member answers and a write through the cluster is committed. */
  private async waitUntilHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      const clients = this.members.map((m) => new Etcd3({ hosts: m.clientUrl, dialTimeout: 500 }));
      try {
        await Promise.all(clients.map((c) => c.maintenance.status({ deadline: Date.now() + 1000 })));
        await clients[0]
          .put('/health')
          .value('ok')
          .options({ deadline: Date.now() + 1000 })
          .exec();
        return;
      } catch (e) {
        last = e;
        await new Promise((r) => setTimeout(r, 100));
      } finally {
        for (const c of clients) c.close();
      }
    }
    const logs = this.members.map((m) => `${m.name}: ${m.stderr.trim() || '(no output)'}`).join('\n');
    throw new Error(`etcd did not become healthy within ${timeoutMs} ms (${String(last)})\n${logs}`);
  }
}

function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  return exited;
}
