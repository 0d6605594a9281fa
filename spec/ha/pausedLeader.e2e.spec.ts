import { ChildProcess, spawn } from 'child_process';
import path from 'path';
import { HighAvailabilityServices, JOB_MANAGER } from '../../lib/ha/HighAvailabilityServices';
import { EtcdCoordinationStore } from '../../lib/ha/etcd/EtcdCoordinationStore';
import { isNewerToken } from '../../lib/ha/FencingToken';
import { EtcdCluster } from '../harness/EtcdCluster';
import { RecordingContender, eventually } from './haContract';

let cluster: EtcdCluster;

beforeAll(async () => {
  cluster = await EtcdCluster.start(3);
}, 30_000);

afterAll(async () => {
  await cluster?.stop();
}, 10_000);

/** The fixture in a node process of its own, TypeScript loaded by jiti as brook loads job files. */
function startLeaderProcess(clusterId: string): { child: ChildProcess; lines: string[] } {
  const fixture = path.join(__dirname, 'fixtures', 'pausableLeader.ts');
  const script = `require('jiti').createJiti(${JSON.stringify(__filename)}).import(${JSON.stringify(fixture)}).then((m) => m.main(process.argv[1], process.argv[2]))`;
  const child = spawn(process.execPath, ['-e', script, cluster.hosts.join(','), clusterId], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let partial = '';
  child.stdout!.on('data', (d: Buffer) => {
    const text = partial + d.toString();
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  return { child, lines };
}

describe('a leader process paused with SIGSTOP past its lease', () => {
  it('is replaced by the standby, and its writes after SIGCONT are refused', async () => {
    const clusterId = `paused${Date.now()}`;
    const paused = startLeaderProcess(clusterId);
    const ha = new HighAvailabilityServices(await EtcdCoordinationStore.connect({ hosts: cluster.hosts }), { clusterId });
    const standby = ha.leaderElection(JOB_MANAGER, 'standby:6123', { ttlSeconds: 1 });
    const contender = new RecordingContender('standby');
    try {
      await eventually('the child to lead and write', () => paused.lines.some((l) => l.startsWith('WROTE')), 15_000);
      const oldToken = paused.lines.find((l) => l.startsWith('LEADER'))!.split(' ')[1];
      await standby.start(contender);
      expect(contender.current).toBeUndefined();

      paused.child.kill('SIGSTOP');
      await eventually('the standby to lead', () => contender.current !== undefined, 10_000);
      const next = contender.current!;
      expect(isNewerToken(next.token, oldToken)).toBe(true);
      await ha.checkpoints.add(next.fence, { jobId: 'job', checkpointId: 1000, location: '/cp/standby', timestamp: 1000 });
      const linesBeforeResume = paused.lines.length;

      // Resumed, it still believes it leads until it notices the lease is gone, and writes: the
      // write lands in etcd after the takeover and must be refused.
      paused.child.kill('SIGCONT');
      await eventually('the resumed child to hear it lost', () => paused.lines.includes('REVOKED'), 10_000);
      await eventually('a late write refused', () => paused.lines.slice(linesBeforeResume).some((l) => l.startsWith('FENCED')), 10_000);
      expect(await ha.checkpoints.all('job')).toEqual([{ jobId: 'job', checkpointId: 1000, location: '/cp/standby', timestamp: 1000 }]);
      expect(contender.current?.token).toBe(next.token);
    } finally {
      paused.child.kill('SIGCONT');
      paused.child.kill('SIGTERM');
      await new Promise((r) => (paused.child.exitCode !== null ? r(undefined) : paused.child.once('exit', r)));
      await standby.close();
      await ha.close();
    }
  }, 40_000);
});
