import { Etcd3 } from 'etcd3';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { EtcdCluster } from '../harness/EtcdCluster';
import { eventually } from '../harness/eventually';
import { runScript, waitForOutput } from '../harness/processes';

/**
 * `brook cluster start --ha`: a local cluster of two JobManagers campaigning on etcd and three
 * TaskManagers following the leader, all child processes of one command. A job submitted with
 * `brook run --ha` runs; a TaskManager paused (SIGSTOP) until etcd has dropped its registration
 * says once resumed that it was fenced out, and registers anew; after a kill -9 of the leading
 * JobManager the other one leads and the next job runs too; SIGTERM stops every process.
 */
const BROOK = 'actors/brook.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('brook cluster start --ha', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-cluster-ha-'));
  let etcd: EtcdCluster | undefined;
  const pids = new Map<string, number>();

  beforeAll(async () => {
    etcd = await EtcdCluster.start(1);
  }, 30_000);

  afterAll(async () => {
    for (const pid of pids.values()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await etcd?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }, 20_000);

  it('starts JobManagers with HA and TaskManagers that follow the leader, fences out a TaskManager paused past its lease, survives a kill -9 of the leader, and stops every process on SIGTERM', async () => {
    const ha = `etcd://${etcd!.hosts.map((h) => h.replace(/^http:\/\//, '')).join(',')}`;
    const timing = ['--lease-ttl', '2', '--heartbeat-interval', '200', '--heartbeat-timeout', '2000'];
    const cluster = runScript(BROOK, ['cluster', 'start', '--ha', ha, '--cluster-id', 'cli', '--job-managers', '2', '-n', '3', '--slots', '2', ...timing]);
    let stderr = '';
    cluster.child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      for (const m of d.toString().matchAll(/started (\S+) \(pid (\d+)\)/g)) pids.set(m[1], Number(m[2]));
    });
    try {
      await waitForOutput(
        cluster.child,
        'stderr',
        /local cluster running: 2 JobManager\(s\) at 127\.0\.0\.1:\d+, 127\.0\.0\.1:\d+ \(HA on http:\/\/127\.0\.0\.1:\d+, cluster 'cli', lease TTL 2 s\) and 3 TaskManager\(s\) × 2 slot\(s\); submit with: brook run --ha etcd:\/\/\S+ --cluster-id cli <job file>/,
      );
      expect([...pids.keys()].sort()).toEqual(['jobmanager-0', 'jobmanager-1', 'taskmanager-0', 'taskmanager-1', 'taskmanager-2']);
      const jobFile = path.join(work, 'sequence.js');
      fs.writeFileSync(jobFile, `exports.defineJob = (env) => { env.fromSequence(1, 40).map((n) => n * n).print(); };\n`);
      const squares = async (): Promise<number[]> => {
        const run = await runScript(BROOK, ['run', '--ha', ha, '--cluster-id', 'cli', jobFile, '-p', '4']).done;
        expect(run.code).toBe(0);
        return run.stdout
          .trim()
          .split('\n')
          .map((l) => Number(l.replace(/^\d+> /, '')))
          .sort((a, b) => a - b);
      };
      const expected = Array.from({ length: 40 }, (_, i) => (i + 1) ** 2);
      expect(await squares()).toEqual(expected);

      // SIGSTOP of a TaskManager until its lease ended in etcd (its TTL is 2 s), then SIGCONT.
      const etcdClient = new Etcd3({ hosts: etcd!.hosts });
      const registrations = async (): Promise<number> => Object.keys(await etcdClient.getAll().prefix('/brook/cli/taskmanagers/').strings()).length;
      let registered = 0;
      try {
        expect(await registrations()).toBe(3);
        const paused = pids.get('taskmanager-0')!;
        process.kill(paused, 'SIGSTOP');
        try {
          const deadline = Date.now() + 20_000;
          while ((registered = await registrations()) !== 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
        } finally {
          process.kill(paused, 'SIGCONT');
        }
        expect(registered).toBe(2);
        await eventually(
          () => /\[taskmanager-0\] brook: TaskManager fenced out: its registration's lease \(TTL 2 s\) ended/.test(stderr),
          'the paused TaskManager to say it was fenced out',
        );
        await eventually(() => (stderr.match(/\[taskmanager-0\] brook: TaskManager \d+ registered/g) ?? []).length === 2, 'it to register anew');
        const deadline = Date.now() + 20_000;
        while ((registered = await registrations()) !== 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
        expect(registered).toBe(3);
      } finally {
        etcdClient.close();
      }

      // The first JobManager leads (the second started once the first campaigned). kill -9 of it:
      // the other one leads, the TaskManagers register with it, and it runs the next job.
      expect(/\[(jobmanager-\d)\] brook: this JobManager leads/.exec(stderr)?.[1]).toBe('jobmanager-0');
      const registrationsSoFar = (): number => (stderr.match(/\[taskmanager-\d\] brook: TaskManager \d+ registered/g) ?? []).length;
      const before = registrationsSoFar();
      process.kill(pids.get('jobmanager-0')!, 'SIGKILL');
      await eventually(() => stderr.includes('[jobmanager-1] brook: this JobManager leads'), 'the other JobManager to lead');
      await eventually(() => registrationsSoFar() === before + 3, 'the TaskManagers to register with it');
      expect(stderr).not.toMatch(/local cluster stopped/);
      expect(await squares()).toEqual(expected);

      cluster.child.kill('SIGTERM');
      const done = await cluster.done;
      expect(done.code).toBe(0);
      expect(done.stderr).toContain('brook: local cluster stopped');
      expect([...pids.values()].filter(alive)).toEqual([]);
    } finally {
      if (cluster.child.exitCode === null) cluster.child.kill('SIGKILL');
    }
  }, 90_000);
});
