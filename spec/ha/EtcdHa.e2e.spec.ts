import { Etcd3 } from 'etcd3';
import { FencedError } from '../../lib/ha/FencedError';
import { isNewerToken } from '../../lib/ha/FencingToken';
import { HighAvailabilityServices, JOB_MANAGER } from '../../lib/ha/HighAvailabilityServices';
import { ManualClock } from '../../lib/time/ManualClock';
import { EtcdCoordinationStore } from '../../lib/ha/etcd/EtcdCoordinationStore';
import { EtcdCluster } from '../harness/EtcdCluster';
import { RecordingContender, describeHaContract, eventually, job } from './haContract';

// One 3-member etcd for the whole file; the quorum test, which kills a member, runs last.
let cluster: EtcdCluster;
let admin: Etcd3;

beforeAll(async () => {
  cluster = await EtcdCluster.start(3);
  admin = new Etcd3({ hosts: cluster.hosts });
}, 30_000);

afterAll(async () => {
  admin?.close();
  await cluster?.stop();
}, 10_000);

async function connect(clusterId: string): Promise<HighAvailabilityServices> {
  return new HighAvailabilityServices(await EtcdCoordinationStore.connect({ hosts: cluster.hosts }), { clusterId });
}

/** What a paused holder suffers: etcd ends its lease (here at once, rather than after the TTL). */
async function revokeLeaseOf(key: string): Promise<void> {
  const res = await admin.get(key).exec();
  const kv = res.kvs[0];
  if (!kv) throw new Error(`no key ${key}`);
  await admin.leaseClient.leaseRevoke({ ID: kv.lease });
}

describeHaContract('a 3-member etcd', () => ({
  process: connect,
  expireLeaseOf: (_services, key) => revokeLeaseOf(key),
  waitMs: 5000,
}));

describe('a lease on etcd not renewed for its TTL', () => {
  it('revokes leadership once the holder has gone a TTL on its clock without a renewal, and the standby leads', async () => {
    const clusterId = `deadline${Date.now()}`;
    // jm-a measures its lease on a manual clock: the renewals etcd3 sends all carry the time at
    // which the clock stands still, so moving it a TTL ahead is a holder whose renewals stopped.
    const clock = new ManualClock(0);
    const a = new HighAvailabilityServices(await EtcdCoordinationStore.connect({ hosts: cluster.hosts, clock }), { clusterId });
    const b = await connect(clusterId);
    const ea = a.leaderElection(JOB_MANAGER, 'jm-a:6123', { ttlSeconds: 2 });
    const eb = b.leaderElection(JOB_MANAGER, 'jm-b:6123', { ttlSeconds: 2 });
    const [ca, cb] = [new RecordingContender('jm-a'), new RecordingContender('jm-b')];
    try {
      await ea.start(ca);
      await eventually('jm-a to lead', () => ca.current !== undefined, 5000);
      await eb.start(cb);
      clock.advance(1999);
      expect(ca.current).toBeDefined();
      clock.advance(1);
      expect(ca.events.at(-1)).toBe('revoked');
      await eventually('jm-b to lead', () => cb.current !== undefined, 5000);
    } finally {
      await ea.close();
      await eb.close();
      await a.close();
      await b.close();
    }
  }, 20_000);
});

describe('HA services on etcd when a member dies', () => {
  it('keeps electing, fencing and storing with two of three members, after kill -9 of the raft leader', async () => {
    const clusterId = `quorum${Date.now()}`;
    const [a, b] = [await connect(clusterId), await connect(clusterId)];
    const ea = a.leaderElection(JOB_MANAGER, 'jm-a:6123', { ttlSeconds: 2 });
    const eb = b.leaderElection(JOB_MANAGER, 'jm-b:6123', { ttlSeconds: 2 });
    const [ca, cb] = [new RecordingContender('jm-a'), new RecordingContender('jm-b')];
    try {
      await ea.start(ca);
      await eventually('jm-a to lead', () => ca.current !== undefined, 5000);
      await eb.start(cb);
      const old = ca.current!;
      await a.jobGraphs.put(old.fence, job('j1'));

      await cluster.kill(await cluster.leaderIndex());
      await a.checkpoints.add(old.fence, { jobId: 'j1', checkpointId: 1, location: '/cp/1', timestamp: 1 });
      await revokeLeaseOf(old.fence.key);
      await eventually('jm-b to lead', () => cb.current !== undefined, 10_000);
      const next = cb.current!;
      expect(isNewerToken(next.token, old.token)).toBe(true);
      await expect(a.checkpoints.add(old.fence, { jobId: 'j1', checkpointId: 2, location: '/cp/2', timestamp: 2 })).rejects.toThrow(FencedError);
      await b.checkpoints.add(next.fence, { jobId: 'j1', checkpointId: 3, location: '/cp/3', timestamp: 3 });
      expect((await b.checkpoints.latest('j1'))?.location).toBe('/cp/3');
      expect((await b.jobGraphs.list()).map((j) => j.jobId)).toEqual(['j1']);
    } finally {
      await ea.close();
      await eb.close();
      await a.close();
      await b.close();
    }
  }, 30_000);
});
