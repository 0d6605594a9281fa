import { Condition, CoordinationLease, CoordinationStore, KeyValue, Operation, Unwatch } from '../CoordinationStore';

interface LeaseEntry {
  readonly onLost: (reason: string) => void;
}

/**
 * etcd's model in one process: a revision that grows with every write, create revisions,
 * leases whose end deletes their keys, prefix watches notified after the write (never inside
 * it, as etcd's are asynchronous). For a single-process brook with no etcd, and for testing the
 * HA services' callers. A lease lives until revoked: in one process its holder cannot be paused
 * apart from the store.
 */
export class InMemoryCoordinationStore implements CoordinationStore {
  private revision = 0;
  private nextLease = 1;
  private readonly data = new Map<string, KeyValue>();
  private readonly leases = new Map<string, LeaseEntry>();
  private readonly watchers = new Set<{ prefix: string; onChange: () => void }>();

  async get(key: string): Promise<KeyValue | undefined> {
    return this.data.get(key);
  }

  async list(prefix: string): Promise<KeyValue[]> {
    return [...this.data.values()].filter((kv) => kv.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async transaction(conditions: readonly Condition[], operations: readonly Operation[]): Promise<boolean> {
    const holds = conditions.every((c) => (this.data.get(c.key)?.createRevision ?? '0') === c.createRevision);
    const leasesLive = operations.every((op) => op.type !== 'put' || op.lease === undefined || this.leases.has(op.lease));
    if (!holds || !leasesLive) return false;
    if (operations.length === 0) return true;
    this.revision++;
    const changed: string[] = [];
    for (const op of operations) {
      switch (op.type) {
        case 'put': {
          const createRevision = this.data.get(op.key)?.createRevision ?? String(this.revision);
          this.data.set(op.key, { key: op.key, value: op.value, createRevision, lease: op.lease ?? '0' });
          changed.push(op.key);
          break;
        }
        case 'delete':
          if (this.data.delete(op.key)) changed.push(op.key);
          break;
      }
    }
    this.notify(changed);
    return true;
  }

  async grantLease(_ttlSeconds: number, onLost: (reason: string) => void): Promise<CoordinationLease> {
    const id = String(this.nextLease++);
    this.leases.set(id, { onLost });
    return { id, revoke: async () => this.endLease(id, undefined) };
  }

  /** Ends a lease as if its holder stopped renewing it: its keys go and its holder is told. */
  revokeLease(id: string): void {
    this.endLease(id, 'the lease was revoked or expired');
  }

  async watch(prefix: string, onChange: () => void): Promise<Unwatch> {
    const watcher = { prefix, onChange };
    this.watchers.add(watcher);
    return async () => {
      this.watchers.delete(watcher);
    };
  }

  async close(): Promise<void> {
    this.watchers.clear();
  }

  private endLease(id: string, lostReason: string | undefined): void {
    const lease = this.leases.get(id);
    if (!lease) return;
    this.leases.delete(id);
    const keys = [...this.data.values()].filter((kv) => kv.lease === id).map((kv) => kv.key);
    if (keys.length > 0) {
      this.revision++;
      for (const key of keys) this.data.delete(key);
      this.notify(keys);
    }
    if (lostReason !== undefined) queueMicrotask(() => lease.onLost(lostReason));
  }

  private notify(keys: readonly string[]): void {
    for (const w of this.watchers) if (keys.some((k) => k.startsWith(w.prefix))) queueMicrotask(w.onChange);
  }
}
