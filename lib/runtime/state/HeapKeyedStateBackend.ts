import { KeyGroupRange, assignToKeyGroup } from '../../partitioners/keyGroups';
import { Clock } from '../../time/Clock';
import { KeyId } from '../KeyIdentity';
import {
  AggregatingStateDescriptor,
  AnyStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../../core/state/StateDescriptor';
import { AggregatingState, ListState, MapState, ReducingState, ValueState } from '../../core/state/State';
import { KeyGroupStateMap, StateTable, StateTableContext } from './StateTable';
import { NamespaceRestorer, restorePrimitiveNamespace, VOID_NAMESPACE } from './Namespace';
import { AbstractHeapState, copyStateValue, InternalKvState, TtlContext, TtlValue } from './heap/AbstractHeapState';
import { HeapValueState } from './heap/HeapValueState';
import { HeapListState } from './heap/HeapListState';
import { HeapMapState } from './heap/HeapMapState';
import { HeapReducingState } from './heap/HeapReducingState';
import { HeapAggregatingState } from './heap/HeapAggregatingState';
import { registerStateKind } from './UncloneableState';
import { KeyGroupCache } from './KeyGroupCache';

/** The state kind a descriptor yields. */
export type StateFor<D> =
  D extends ValueStateDescriptor<infer T>
    ? ValueState<T>
    : D extends ListStateDescriptor<infer T>
      ? ListState<T>
      : D extends MapStateDescriptor<infer UK, infer UV>
        ? MapState<UK, UV>
        : D extends ReducingStateDescriptor<infer T>
          ? ReducingState<T>
          : D extends AggregatingStateDescriptor<infer IN, infer _ACC, infer OUT>
            ? AggregatingState<IN, OUT>
            : never;

interface RegisteredState {
  readonly table: StateTable<unknown, unknown, unknown>;
  readonly kind: string;
  readonly state?: AbstractHeapState<unknown, unknown, unknown>;
  readonly ttl: TtlContext | undefined;
}

/**
 * Flink's HeapKeyedStateBackend: every keyed state of one operator instance, partitioned by key
 * group so that a snapshot can be split over a new parallelism. The operator sets the current
 * key before each element or timer; state objects then read and write that key's values.
 *
 * Snapshots are copy-on-write: `snapshot()` hands out the current key-group maps by reference
 * and raises the version, so that later writes copy what they touch (StateTable).
 */
export class HeapKeyedStateBackend<K> implements StateTableContext<K> {
  currentKey!: K;
  currentKeyId: KeyId = '';
  currentKeyGroupIndex = 0;
  version = 1;
  snapshotVersion = 0;
  private readonly registered = new Map<string, RegisteredState>();
  private restored = new Map<string, Map<number, KeyGroupStateMap<unknown, unknown, unknown>>>();
  readonly numberOfKeyGroups: number;
  private readonly keyGroups: KeyGroupCache;

  constructor(
    readonly keyGroupRange: KeyGroupRange,
    readonly maxParallelism: number,
    private readonly clock: Clock,
    /** Names the operator in errors. */
    private readonly owner: string,
  ) {
    this.numberOfKeyGroups = keyGroupRange.end - keyGroupRange.start + 1;
    this.keyGroups = new KeyGroupCache(maxParallelism);
  }

  setCurrentKey(key: K): void {
    const keys = this.keyGroups;
    keys.resolve(key);
    const keyGroup = keys.keyGroup;
    const index = keyGroup - this.keyGroupRange.start;
    if (index < 0 || index >= this.numberOfKeyGroups) {
      throw new Error(
        `${this.owner}: key ${JSON.stringify(key)} is in key group ${keyGroup}, outside this subtask's key groups ` +
          `[${this.keyGroupRange.start}, ${this.keyGroupRange.end}]; keyed state needs a keyBy() right before this operator`,
      );
    }
    this.currentKey = key;
    this.currentKeyId = keys.keyId;
    this.currentKeyGroupIndex = index;
  }

  getCurrentKey(): K {
    return this.currentKey;
  }

  keyGroupOf(key: K): number {
    return assignToKeyGroup(key, this.maxParallelism);
  }

  /**
   * A raw table for operator-internal state (window contents): `copyValue` copies a value that
   * will be changed in place after a snapshot; `restoreNamespace` revives namespaces on restore.
   */
  createTable<N, V>(name: string, copyValue: (v: V) => V, restoreNamespace: NamespaceRestorer<N>): StateTable<K, N, V> {
    const existing = this.registered.get(name);
    if (existing) {
      if (existing.kind !== 'table') throw new Error(`${this.owner}: state '${name}' is already registered as ${existing.kind} state`);
      return existing.table as unknown as StateTable<K, N, V>;
    }
    const table = this.newTable<N, V>(name, copyValue, restoreNamespace);
    this.registered.set(name, { table: table as StateTable<unknown, unknown, unknown>, kind: 'table', ttl: undefined });
    return table;
  }

  /**
   * The state object for `descriptor` (created once per name). It reads and writes the current
   * key in `namespace` until `setCurrentNamespace` moves it (windows do; plain keyed state does not).
   */
  getPartitionedState<D extends AnyStateDescriptor, N = null>(
    descriptor: D,
    namespace: N = VOID_NAMESPACE as N,
    restoreNamespace: NamespaceRestorer<N> = restorePrimitiveNamespace,
  ): StateFor<D> & InternalKvState<N> {
    const existing = this.registered.get(descriptor.name);
    if (existing) {
      if (existing.kind !== descriptor.kind) {
        throw new Error(`${this.owner}: state '${descriptor.name}' was registered as ${existing.kind} state, now asked for as ${descriptor.kind}`);
      }
      existing.state!.setCurrentNamespace(namespace);
      return existing.state as unknown as StateFor<D> & InternalKvState<N>;
    }
    const ttl = descriptor.ttlConfig ? new TtlContext(descriptor.ttlConfig, this.clock) : undefined;
    // A value is copied before it is changed in place after a snapshot (Flink's serializer.copy
    // in CopyOnWriteStateMap), deeply: user code may change what it gets (a value read and
    // changed before `update`, an accumulator changed by `add`, the reduced value, which a
    // reduce function may change and return: `a.n += b.n; return a`, allowed in Flink). A value
    // with a TTL is a plain `{ v, t }`, copied with it. Only values a snapshot still holds are
    // copied, once each, so the hot path copies nothing between checkpoints.
    const table = this.newTable<N, unknown>(descriptor.name, copyStateValue, restoreNamespace);
    const state = createState(descriptor, table, namespace, ttl);
    if (ttl && ttl.config.incrementalCleanupSize > 0) {
      const size = ttl.config.incrementalCleanupSize;
      const prune = (value: unknown): unknown => pruneExpired(value, descriptor.kind, ttl);
      ttl.incrementalCleanup = () => table.cleanupIncrementally(size, prune);
    }
    this.registered.set(descriptor.name, {
      table: table as StateTable<unknown, unknown, unknown>,
      kind: descriptor.kind,
      state: state as AbstractHeapState<unknown, unknown, unknown>,
      ttl,
    });
    return state as unknown as StateFor<D> & InternalKvState<N>;
  }

  /** Runs `fn` with each key that has a value in state `name` as the current key (Flink's applyToAllKeys). */
  applyToAllKeys<N>(name: string, namespace: N, fn: (key: K) => void): void {
    const reg = this.registered.get(name);
    if (!reg) return;
    const previous = this.currentKey;
    for (const key of [...reg.table.keys(namespace)]) {
      this.setCurrentKey(key as K);
      fn(key as K);
    }
    if (previous !== undefined) this.setCurrentKey(previous);
  }

  /** The states of every key group that has any, by reference; O(key groups × states). */
  snapshot(): Map<number, Record<string, KeyGroupStateMap<unknown, unknown, unknown>>> {
    const out = new Map<number, Record<string, KeyGroupStateMap<unknown, unknown, unknown>>>();
    for (const [name, reg] of this.registered) {
      for (let i = 0; i < this.numberOfKeyGroups; i++) {
        let map = reg.table.snapshotKeyGroup(i);
        if (!map) continue;
        if (reg.ttl?.config.cleanupFullSnapshot) map = withoutExpired(map, reg.kind, reg.ttl);
        if (map.size === 0) continue;
        registerStateKind(map, reg.kind);
        const kg = this.keyGroupRange.start + i;
        let states = out.get(kg);
        if (!states) out.set(kg, (states = {}));
        states[name] = map;
      }
    }
    // Everything that exists now belongs to the snapshot: the next write copies it.
    this.snapshotVersion = this.version;
    this.version++;
    // Restored data that was never asked for by a state stays in later snapshots too.
    for (const [name, byKeyGroup] of this.restored) {
      for (const [kg, map] of byKeyGroup) {
        let states = out.get(kg);
        if (!states) out.set(kg, (states = {}));
        states[name] = map;
      }
    }
    return out;
  }

  /**
   * Hands the restored key-group maps of state `name` to an operator that keeps that state in
   * its own layout (and snapshots it itself): they are no longer carried into later snapshots.
   */
  takeRestored(name: string): ReadonlyMap<number, KeyGroupStateMap<unknown, unknown, unknown>> {
    const restored = this.restored.get(name) ?? new Map<number, KeyGroupStateMap<unknown, unknown, unknown>>();
    this.restored.delete(name);
    return restored;
  }

  /** Takes the states of the key groups in this subtask's range; tables adopt them when created. */
  restore(byKeyGroup: ReadonlyMap<number, Record<string, KeyGroupStateMap<unknown, unknown, unknown>>>): void {
    this.restored = new Map();
    for (const [kg, states] of byKeyGroup) {
      if (kg < this.keyGroupRange.start || kg > this.keyGroupRange.end) continue;
      for (const [name, map] of Object.entries(states)) {
        let m = this.restored.get(name);
        if (!m) this.restored.set(name, (m = new Map()));
        m.set(kg, map);
      }
    }
  }

  private newTable<N, V>(name: string, copyValue: (v: V) => V, restoreNamespace: NamespaceRestorer<N>): StateTable<K, N, V> {
    const table = new StateTable<K, N, V>(name, this, this.numberOfKeyGroups, copyValue);
    const restored = this.restored.get(name);
    if (restored) {
      for (const [kg, map] of restored) {
        table.restoreKeyGroup(kg - this.keyGroupRange.start, map as unknown as KeyGroupStateMap<K, N, V>, restoreNamespace);
      }
      this.restored.delete(name);
    }
    return table;
  }
}

function createState<N>(
  generic: AnyStateDescriptor,
  table: StateTable<unknown, N, unknown>,
  namespace: N,
  ttl: TtlContext | undefined,
): AbstractHeapState<unknown, N, unknown> {
  const descriptor = generic as
    | ValueStateDescriptor<unknown>
    | ListStateDescriptor<unknown>
    | MapStateDescriptor<unknown, unknown>
    | ReducingStateDescriptor<unknown>
    | AggregatingStateDescriptor<unknown, unknown, unknown>;
  switch (descriptor.kind) {
    case 'value': {
      const s = new HeapValueState<unknown, N, unknown>(table, namespace, ttl);
      s.defaultValue = descriptor.defaultValue;
      return s;
    }
    case 'list':
      return new HeapListState<unknown, N, unknown>(table as StateTable<unknown, N, unknown[]>, namespace, ttl) as AbstractHeapState<unknown, N, unknown>;
    case 'map':
      return new HeapMapState(table as StateTable<unknown, N, Map<KeyId, [unknown, unknown, number?]>>, namespace, ttl) as AbstractHeapState<
        unknown,
        N,
        unknown
      >;
    case 'reducing': {
      const s = new HeapReducingState<unknown, N, unknown>(table, namespace, ttl);
      s.reduceFunction = descriptor.reduceFunction as unknown as (a: unknown, b: unknown) => unknown;
      return s;
    }
    case 'aggregating': {
      const s = new HeapAggregatingState<unknown, N, unknown, unknown, unknown>(table, namespace, ttl);
      s.aggregateFunction = descriptor.aggregateFunction as HeapAggregatingState<unknown, N, unknown, unknown, unknown>['aggregateFunction'];
      return s;
    }
  }
}

/** A stored TTL value without what expired: the same value if nothing did, undefined if all did. */
function pruneExpired(value: unknown, kind: string, ttl: TtlContext): unknown {
  if (kind === 'list') {
    const list = value as TtlValue<unknown>[];
    const live = list.filter((x) => !ttl.expired(x.t));
    return live.length === list.length ? value : live.length > 0 ? live : undefined;
  }
  if (kind === 'map') {
    const map = value as Map<KeyId, [unknown, unknown, number]>;
    const live = [...map].filter(([, x]) => !ttl.expired(x[2]));
    return live.length === map.size ? value : live.length > 0 ? new Map(live) : undefined;
  }
  return ttl.expired((value as TtlValue<unknown>).t) ? undefined : value;
}

/** A key-group map without the values whose TTL expired (cleanupFullSnapshot). */
function withoutExpired(map: KeyGroupStateMap<unknown, unknown, unknown>, kind: string, ttl: TtlContext): KeyGroupStateMap<unknown, unknown, unknown> {
  const out: KeyGroupStateMap<unknown, unknown, unknown> = new Map();
  for (const [keyId, row] of map) {
    const entries = row.entries.flatMap((e) => {
      const value = pruneExpired(e.value, kind, ttl);
      return value === undefined ? [] : [{ namespace: e.namespace, hash: e.hash, value, version: e.version }];
    });
    if (entries.length > 0) out.set(keyId, { key: row.key, entries, version: row.version });
  }
  return out;
}
