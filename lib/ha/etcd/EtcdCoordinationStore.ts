import createDebug from 'debug';
import type { Etcd3, IKeyValue, IOptions, IRequestOp, Lease, Watcher } from 'etcd3';
import { Clock } from '../../time/Clock';
import { SystemClock } from '../../time/SystemClock';
import { Condition, CoordinationLease, CoordinationStore, KeyValue, Operation, Unwatch } from '../CoordinationStore';

const log = createDebug('brook:ha:etcd');

export interface EtcdCoordinationOptions {
  /** Client URLs of the etcd members, e.g. ['http://h1:2379', 'http://h2:2379', 'http://h3:2379']. */
  readonly hosts: readonly string[];
  /** Measures how long a lease has gone without a successful renewal. */
  readonly clock?: Clock;
  /**
   * How long a call keeps retrying while etcd is unreachable or electing a new raft leader (after
   * a member is lost this takes about an election timeout). Default 10 s.
   */
  readonly retryForMs?: number;
  /** Anything else etcd3 accepts (credentials, auth, fault handling). */
  readonly client?: Omit<IOptions, 'hosts'>;
}

/**
 * The coordination store on etcd through the etcd3 client (gRPC). etcd3 is an optional peer
 * dependency loaded only here, when HA is configured: a brook without HA never loads it.
 */
export class EtcdCoordinationStore implements CoordinationStore {
  private readonly leases = new Set<Lease>();
  private readonly watchers = new Set<Watcher>();

  private constructor(
    private readonly client: Etcd3,
    private readonly etcd3: typeof import('etcd3'),
    private readonly clock: Clock,
    private readonly retryForMs: number,
  ) {}

  static async connect(options: EtcdCoordinationOptions): Promise<EtcdCoordinationStore> {
    let etcd3: typeof import('etcd3');
    try {
      etcd3 = await import('etcd3');
    } catch (e) {
      throw new Error(`high availability on etcd needs the etcd3 package: npm install etcd3 (${e instanceof Error ? e.message : String(e)})`);
    }
    const client = new etcd3.Etcd3({ ...options.client, hosts: [...options.hosts] });
    return new EtcdCoordinationStore(client, etcd3, options.clock ?? new SystemClock(), options.retryForMs ?? 10_000);
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const res = await this.retrying(() => this.client.get(key).exec());
    const kv = res.kvs[0];
    return kv && toKeyValue(kv);
  }

  async list(prefix: string): Promise<KeyValue[]> {
    const res = await this.retrying(() => this.client.getAll().prefix(prefix).exec());
    return res.kvs.map(toKeyValue);
  }

  async transaction(conditions: readonly Condition[], operations: readonly Operation[]): Promise<boolean> {
    try {
      // Retrying is safe: a fenced put applies the same value again; a create-if-absent that
      // landed before the connection broke reports false, and its callers read the key back.
      const res = await this.retrying(() =>
        this.client.kv.txn({
          compare: conditions.map((c) => ({ key: Buffer.from(c.key), target: 'Create', result: 'Equal', create_revision: c.createRevision })),
          success: operations.map(toRequest),
        }),
      );
      return res.succeeded;
    } catch (e) {
      // etcd checks a put's lease before the compares: an ended lease means its keys are gone.
      if (e instanceof Error && e.name === 'EtcdLeaseInvalidError') return false;
      throw e;
    }
  }

  async grantLease(ttlSeconds: number, onLost: (reason: string) => void): Promise<CoordinationLease> {
    let sentAt = this.clock.now();
    // A Lease whose grant failed stays failed: a retry needs a new one.
    const { lease, id } = await this.retrying(async () => {
      const attempt = this.client.lease(ttlSeconds);
      return { lease: attempt, id: await attempt.grant() };
    });
    let ended = false;
    const end = (reason: string | undefined): void => {
      if (ended) return;
      ended = true;
      this.clock.clearTimeout(deadline);
      this.leases.delete(lease);
      if (reason === undefined) return;
      log('lease %s lost: %s', id, reason);
      lease.revoke().catch(() => undefined);
      onLost(reason);
    };
    // etcd3 reports a lost lease only after twice its TTL without renewal; a holder must stop
    // acting once its TTL has passed since the last renewal it saw, since etcd may already have
    // given its keys' place to another.
    this.leases.add(lease);
    const ttlMs = ttlSeconds * 1000;
    const expire = (): void => end(`not renewed for its TTL of ${ttlSeconds} s`);
    let deadline = this.clock.setTimeout(expire, sentAt + ttlMs - this.clock.now());
    lease.on('keepaliveFired', () => {
      sentAt = this.clock.now();
    });
    lease.on('keepaliveSucceeded', () => {
      if (ended) return;
      this.clock.clearTimeout(deadline);
      deadline = this.clock.setTimeout(expire, sentAt + ttlMs - this.clock.now());
    });
    lease.on('lost', (e) => end(e.message));
    return {
      id,
      revoke: async () => {
        end(undefined);
        await lease.revoke();
      },
    };
  }

  async watch(prefix: string, onChange: () => void): Promise<Unwatch> {
    const watcher = await this.client.watch().prefix(prefix).create();
    this.watchers.add(watcher);
    watcher.on('put', () => onChange());
    watcher.on('delete', () => onChange());
    // After a reconnection (another member) look again: nothing may have changed, or much.
    watcher.on('connected', () => onChange());
    watcher.on('error', (e) => log('watch on %s: %O', prefix, e));
    return async () => {
      this.watchers.delete(watcher);
      await watcher.cancel();
    };
  }

  /**
   * Ends this process's leases (its leadership and registrations go at once rather than after
   * their TTL) and watches, then the connection: etcd3 would otherwise keep reconnecting them.
   */
  async close(): Promise<void> {
    const watchers = [...this.watchers];
    const leases = [...this.leases];
    this.watchers.clear();
    this.leases.clear();
    await Promise.all([...watchers.map((w) => w.cancel().catch(() => undefined)), ...leases.map((l) => l.revoke().catch(() => undefined))]);
    this.client.close();
  }

  /**
   * etcd3 retries a failed call three times at once on other members; while the remaining
   * members elect a raft leader every one of them fails, so keep trying, backing off, for a bound.
   */
  private async retrying<T>(call: () => Promise<T>): Promise<T> {
    const giveUpAt = this.clock.now() + this.retryForMs;
    for (let delayMs = 50; ; delayMs = Math.min(2 * delayMs, 1000)) {
      try {
        return await call();
      } catch (e) {
        if (!(e instanceof Error) || !this.etcd3.isRecoverableError(e) || this.clock.now() + delayMs > giveUpAt) throw e;
        log('etcd call failed, retrying in %d ms: %s', delayMs, e.message);
        await new Promise<void>((resolve) => this.clock.setTimeout(resolve, delayMs));
      }
    }
  }
}

function toKeyValue(kv: IKeyValue): KeyValue {
  return { key: kv.key.toString(), value: kv.value.toString(), createRevision: String(kv.create_revision), lease: String(kv.lease) };
}

function toRequest(op: Operation): IRequestOp {
  switch (op.type) {
    case 'put':
      return { request_put: { key: Buffer.from(op.key), value: Buffer.from(op.value), lease: op.lease ?? '0' } };
    case 'delete':
      return { request_delete_range: { key: Buffer.from(op.key) } };
  }
}
