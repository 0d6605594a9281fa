import { CoordinationStore } from '../../lib/ha/CoordinationStore';
import { HighAvailabilityServices } from '../../lib/ha/HighAvailabilityServices';
import { InMemoryCoordinationStore } from '../../lib/ha/memory/InMemoryCoordinationStore';
import { isNewerToken } from '../../lib/ha/FencingToken';
import { JOB_MANAGER } from '../../lib/ha/HighAvailabilityServices';
import { ManualClock } from '../../lib/time/ManualClock';
import { RecordingContender, describeHaContract, eventually } from './haContract';

describeHaContract('the in-memory store', () => {
  const store = new InMemoryCoordinationStore();
  // Every "process" shares the one store, as processes share an etcd; closing one process's
  // services must not close it for the others.
  const handle: CoordinationStore = {
    get: (key) => store.get(key),
    list: (prefix) => store.list(prefix),
    transaction: (conditions, operations) => store.transaction(conditions, operations),
    grantLease: (ttlSeconds, onLost) => store.grantLease(ttlSeconds, onLost),
    watch: (prefix, onChange) => store.watch(prefix, onChange),
    close: async () => undefined,
  };
  return {
    process: async (clusterId) => new HighAvailabilityServices(handle, { clusterId }),
    expireLeaseOf: async (_services, key) => {
      const kv = await store.get(key);
      if (!kv) throw new Error(`no key ${key}`);
      store.revokeLease(kv.lease);
    },
    waitMs: 1000,
  };
});

describe('a leader election that cannot campaign again', () => {
  it('warns and tries again every TTL on its clock until the store answers, then leads again', async () => {
    const store = new InMemoryCoordinationStore();
    let unreachable = false;
    const flaky: CoordinationStore = {
      get: (key) => store.get(key),
      list: (prefix) => store.list(prefix),
      transaction: (conditions, operations) => store.transaction(conditions, operations),
      grantLease: (ttlSeconds, onLost) => (unreachable ? Promise.reject(new Error('store unreachable')) : store.grantLease(ttlSeconds, onLost)),
      watch: (prefix, onChange) => store.watch(prefix, onChange),
      close: async () => undefined,
    };
    const clock = new ManualClock(0);
    const warnings: string[] = [];
    const ha = new HighAvailabilityServices(flaky, { clusterId: 'c', clock, warn: (m) => warnings.push(m) });
    const election = ha.leaderElection(JOB_MANAGER, 'jm:6123', { ttlSeconds: 3 });
    const contender = new RecordingContender('jm');
    await election.start(contender);
    const first = contender.current!;

    unreachable = true;
    store.revokeLease((await store.get(first.fence.key))!.lease);
    await eventually('a warning', () => warnings.length === 1, 1000);
    expect(contender.events).toEqual([`granted ${first.token}`, 'revoked']);
    expect(warnings[0]).toMatch(/cannot campaign for leadership under \/brook\/c\/leader\/jobmanager\/ \(store unreachable\); trying again in 3 s/);
    clock.advance(3000);
    await eventually('a second warning', () => warnings.length === 2, 1000);

    unreachable = false;
    clock.advance(2999);
    await flush();
    expect(contender.current).toBeUndefined();
    clock.advance(1);
    await eventually('leadership again', () => contender.current !== undefined, 1000);
    expect(isNewerToken(contender.current!.token, first.token)).toBe(true);
    await election.close();
  });
});

function flush(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
