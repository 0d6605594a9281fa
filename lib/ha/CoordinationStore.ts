import { FencingToken } from './FencingToken';

/**
 * The few operations of a coordination service that brook's HA services are built on: a
 * key-value store with revisions, leases, watches and compare-and-set transactions (etcd's
 * model). The services above it are written once; etcd and an in-memory store implement it, as
 * Flink's StateHandleStore sits under its ZooKeeper and Kubernetes HA services.
 */
export interface CoordinationStore {
  get(key: string): Promise<KeyValue | undefined>;
  /** Every key starting with `prefix`, in key order. */
  list(prefix: string): Promise<KeyValue[]>;
  /**
   * Applies `operations` atomically when every condition holds, and nothing otherwise; resolves
   * whether it applied them. A put under a lease that has ended applies nothing either.
   */
  transaction(conditions: readonly Condition[], operations: readonly Operation[]): Promise<boolean>;
  /**
   * A lease of `ttlSeconds`, kept alive until revoked. `onLost` is called once if the store ends
   * the lease (expired, revoked elsewhere) or it cannot be renewed in time: the holder must then
   * consider every key under the lease gone.
   */
  grantLease(ttlSeconds: number, onLost: (reason: string) => void): Promise<CoordinationLease>;
  /** Calls `onChange` after any key under `prefix` is put or deleted; resolves once watching. */
  watch(prefix: string, onChange: () => void): Promise<Unwatch>;
  close(): Promise<void>;
}

export interface KeyValue {
  readonly key: string;
  readonly value: string;
  readonly createRevision: FencingToken;
  /** The lease the key is attached to; '0' for none. */
  readonly lease: string;
}

/** `key` was created at `createRevision`; '0' means `key` must not exist. */
export interface Condition {
  readonly key: string;
  readonly createRevision: FencingToken;
}

export type Operation =
  { readonly type: 'put'; readonly key: string; readonly value: string; readonly lease?: string } | { readonly type: 'delete'; readonly key: string };

export interface CoordinationLease {
  /** The lease id, as a decimal string. */
  readonly id: string;
  /** Ends the lease now: its keys are deleted. */
  revoke(): Promise<void>;
}

export type Unwatch = () => Promise<void>;
