import { EtcdCoordinationStore, HighAvailabilityServices, InMemoryCoordinationStore, JOB_MANAGER } from '../../lib/ha';
import { RecordingContender, eventually } from './haContract';

// A user without HA has no etcd3 installed: requiring it fails as it would then.
jest.mock('etcd3', () => {
  throw new Error("Cannot find module 'etcd3'");
});

describe('HA without the etcd3 package', () => {
  it('loads lib/ha and runs on the in-memory store; only connecting to etcd asks for etcd3', async () => {
    const ha = new HighAvailabilityServices(new InMemoryCoordinationStore(), { clusterId: 'local' });
    const election = ha.leaderElection(JOB_MANAGER, 'localhost:6123', { ttlSeconds: 10 });
    const contender = new RecordingContender('jm');
    await election.start(contender);
    await eventually('leadership', () => contender.current !== undefined, 1000);
    await election.close();
    await expect(EtcdCoordinationStore.connect({ hosts: ['http://127.0.0.1:2379'] })).rejects.toThrow(/needs the etcd3 package: npm install etcd3/);
  }, 10_000);
});
