import { CoordinationStore } from '../../lib/ha/CoordinationStore';
import { HighAvailabilityServices } from '../../lib/ha/HighAvailabilityServices';
import { InMemoryCoordinationStore } from '../../lib/ha/memory/InMemoryCoordinationStore';
import { describeHaContract } from './haContract';

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
