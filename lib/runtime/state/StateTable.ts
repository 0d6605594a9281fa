import { KeyId } from '../KeyIdentity';
import { namespaceHash, NamespaceRestorer, sameNamespace } from './Namespace';

/** One (key, namespace) value. Shared with a snapshot when version <= the snapshot's version. */
export interface StateEntry<N, V> {
  readonly namespace: N;
  /** namespaceHash(namespace), compared before `equals` when searching a key's namespaces. */
  readonly hash: number;
  value: V;
  version: number;
}

/** The version of a value the table does not own (borrowed, or restored): never above a snapshot's. */
const BORROWED = 0;

function newEntry<N, V>(namespace: N, value: V, version: number, hash = namespaceHash(namespace)): StateEntry<N, V> {
  return { namespace, hash, value, version };
}

/** All namespaces of one key. A key has few (one, or its live windows), so they are a list. */
export interface KeyRow<K, N, V> {
  readonly key: K;
  readonly entries: StateEntry<N, V>[];
  readonly version: number;
}

/** The state of one key group: what a snapshot holds, by reference. */
export type KeyGroupStateMap<K, N, V> = Map<KeyId, KeyRow<K, N, V>>;

/** What a table needs from its backend: the current key and the copy-on-write versions. */
export interface StateTableContext<K> {
  readonly currentKey: K;
  readonly currentKeyId: KeyId;
  /** Index of the current key's group within this subtask's key-group range. */
  readonly currentKeyGroupIndex: number;
  /** Version stamped on objects created now. */
  readonly version: number;
  /** Objects with a version <= this are referenced by a snapshot: copy before changing them. */
  readonly snapshotVersion: number;
}

/**
 * One named state of a keyed operator (Flink's StateTable over CopyOnWriteStateMaps): a native
 * Map per key group, KeyId → the key's row of namespaces. A snapshot keeps references to the
 * key-group maps; afterwards the first write to a map, a row or an entry copies that object
 * (and `copyValue` copies a value about to be changed in place), so the snapshot stays as it
 * was at the barrier while the job goes on. See bench/state for why native maps and not
 * immutable's persistent maps.
 */
export class StateTable<K, N, V> {
  private readonly maps: Array<KeyGroupStateMap<K, N, V> | undefined>;
  private readonly mapVersions: number[];
  /** Incremental cleanup's position: a key group and the keys of it still to visit. */
  private cleanupCursor = { keyGroup: 0, keys: [] as KeyId[] };

  constructor(
    readonly name: string,
    private readonly ctx: StateTableContext<K>,
    numberOfKeyGroups: number,
    /** Copies a value before it is changed in place after a snapshot (identity for immutable values). */
    readonly copyValue: (value: V) => V,
  ) {
    this.maps = new Array(numberOfKeyGroups).fill(undefined);
    this.mapVersions = new Array(numberOfKeyGroups).fill(0);
  }

  /** The key the state objects read and write now (named in their errors). */
  get currentKey(): K {
    return this.ctx.currentKey;
  }

  /** The current key's value in `namespace`; do not change it in place (see getForUpdate). */
  get(namespace: N): V | undefined {
    const row = this.maps[this.ctx.currentKeyGroupIndex]?.get(this.ctx.currentKeyId);
    if (row === undefined) return undefined;
    const i = indexOf(row.entries, namespace);
    return i < 0 ? undefined : row.entries[i].value;
  }

  /** The current key's value in `namespace`, safe to change in place (copied if a snapshot holds it). */
  getForUpdate(namespace: N): V | undefined {
    const row = this.maps[this.ctx.currentKeyGroupIndex]?.get(this.ctx.currentKeyId);
    if (row === undefined) return undefined;
    const i = indexOf(row.entries, namespace);
    if (i < 0) return undefined;
    const entry = row.entries[i];
    if (entry.version > this.ctx.snapshotVersion) return entry.value;
    const writable = this.writableRow(this.writableMap());
    const copy = newEntry(entry.namespace, this.copyValue(entry.value), this.ctx.version, entry.hash);
    writable!.entries[i] = copy;
    return copy.value;
  }

  /**
   * Flink's StateTable#transform: the current key's value in `namespace` becomes
   * `fn(current, value)`, found once (getForUpdate then put finds it twice); `current` is copied
   * first while a snapshot still holds it, as getForUpdate does.
   *
   * A new value that is `value` itself (a reduce keeps its first element as it is) is borrowed:
   * the caller's record, which others may hold (other windows it was assigned to, an upstream
   * operator's state on the same thread). It is stamped as shared, like a value a snapshot
   * holds, so the first change copies it: a reduce function that changes its first argument
   * never changes the record, and a window that gets one element copies nothing.
   */
  transform<T>(namespace: N, value: T, fn: (current: V | undefined, value: T) => V): void {
    const map = this.writableMap();
    const row = this.writableRow(map);
    const version = this.ctx.version;
    if (row === undefined) {
      const created = fn(undefined, value);
      const entry = newEntry(namespace, created, (created as unknown) === value ? BORROWED : version);
      map.set(this.ctx.currentKeyId, { key: this.ctx.currentKey, entries: [entry], version });
      return;
    }
    const entries = row.entries;
    const i = indexOf(entries, namespace);
    if (i < 0) {
      const created = fn(undefined, value);
      entries.push(newEntry(namespace, created, (created as unknown) === value ? BORROWED : version));
      return;
    }
    const entry = entries[i];
    if (entry.version > this.ctx.snapshotVersion) entry.value = fn(entry.value, value);
    else entries[i] = newEntry(entry.namespace, fn(this.copyValue(entry.value), value), version, entry.hash);
  }

  put(namespace: N, value: V): void {
    const snapshotVersion = this.ctx.snapshotVersion;
    const map = this.writableMap();
    const row = this.writableRow(map);
    if (row === undefined) {
      const version = this.ctx.version;
      map.set(this.ctx.currentKeyId, { key: this.ctx.currentKey, entries: [newEntry(namespace, value, version)], version });
      return;
    }
    const entries = row.entries;
    const i = indexOf(entries, namespace);
    if (i < 0) entries.push(newEntry(namespace, value, this.ctx.version));
    else if (entries[i].version > snapshotVersion) entries[i].value = value;
    else entries[i] = newEntry(entries[i].namespace, value, this.ctx.version, entries[i].hash);
  }

  remove(namespace: N): void {
    const current = this.maps[this.ctx.currentKeyGroupIndex]?.get(this.ctx.currentKeyId);
    if (current === undefined || indexOf(current.entries, namespace) < 0) return;
    const map = this.writableMap();
    const row = this.writableRow(map)!;
    const i = indexOf(row.entries, namespace);
    if (row.entries.length === 1) map.delete(this.ctx.currentKeyId);
    else removeAt(row.entries, i);
  }

  /** Namespaces the current key has a value in. */
  namespaces(): N[] {
    const row = this.maps[this.ctx.currentKeyGroupIndex]?.get(this.ctx.currentKeyId);
    return row ? row.entries.map((e) => e.namespace) : [];
  }

  /** Every key with a value in `namespace`, over all key groups (Flink's getKeys). */
  *keys(namespace: N): IterableIterator<K> {
    for (const map of this.maps) {
      if (!map) continue;
      for (const row of map.values()) if (indexOf(row.entries, namespace) >= 0) yield row.key;
    }
  }

  /** Number of (key, namespace) values. */
  size(): number {
    let n = 0;
    for (const map of this.maps) if (map) for (const row of map.values()) n += row.entries.length;
    return n;
  }

  /**
   * The key group's map as it is now (possibly empty: the caller leaves empty ones out); the
   * caller then raises the snapshot version (O(1)).
   */
  snapshotKeyGroup(index: number): KeyGroupStateMap<K, N, V> | undefined {
    return this.maps[index];
  }

  /**
   * Adopts a key group from a snapshot (possibly structured-cloned): namespaces become live
   * objects again; values stay shared with the snapshot until first changed.
   */
  restoreKeyGroup(index: number, data: KeyGroupStateMap<K, N, V>, restoreNamespace: NamespaceRestorer<N>): void {
    const version = this.ctx.version;
    const map: KeyGroupStateMap<K, N, V> = new Map();
    for (const [keyId, row] of data) {
      const entries = row.entries.map((e) => newEntry(restoreNamespace(e.namespace), e.value, BORROWED));
      map.set(keyId, { key: row.key, entries, version });
    }
    this.maps[index] = map;
    this.mapVersions[index] = version;
  }

  /**
   * Visits up to `limit` keys, round robin over the key groups (Flink's incremental TTL
   * cleanup): `prune` returns a value without its expired parts, the same value when nothing
   * expired, or undefined when all of it did.
   */
  cleanupIncrementally(limit: number, prune: (value: V) => V | undefined): void {
    const cursor = this.cleanupCursor;
    for (let visited = 0, emptyGroups = 0; visited < limit && emptyGroups <= this.maps.length;) {
      if (cursor.keys.length === 0) {
        cursor.keyGroup = (cursor.keyGroup + 1) % this.maps.length;
        const map = this.maps[cursor.keyGroup];
        cursor.keys = map ? [...map.keys()] : [];
        if (cursor.keys.length === 0) emptyGroups++;
        continue;
      }
      const keyId = cursor.keys.pop()!;
      visited++;
      // The group's map exists (its keys were just listed); the key may have been removed since.
      const row = this.maps[cursor.keyGroup]!.get(keyId);
      if (!row) continue;
      for (let i = row.entries.length - 1; i >= 0; i--) {
        const entry = row.entries[i];
        const pruned = prune(entry.value);
        if (pruned === entry.value) continue;
        const writable = this.writableRow(this.writableMap(cursor.keyGroup), keyId)!;
        if (pruned !== undefined) writable.entries[i] = newEntry(entry.namespace, pruned, this.ctx.version, entry.hash);
        else if (writable.entries.length === 1) this.maps[cursor.keyGroup]!.delete(keyId);
        else removeAt(writable.entries, i);
      }
    }
  }

  private writableMap(index = this.ctx.currentKeyGroupIndex): KeyGroupStateMap<K, N, V> {
    // A group never written has version 0, at or below any snapshot's: it is created here too.
    let map = this.maps[index];
    if (this.mapVersions[index] <= this.ctx.snapshotVersion) {
      map = new Map(map);
      this.maps[index] = map;
      this.mapVersions[index] = this.ctx.version;
    }
    return map!;
  }

  private writableRow(map: KeyGroupStateMap<K, N, V>, keyId: KeyId = this.ctx.currentKeyId): KeyRow<K, N, V> | undefined {
    const row = map.get(keyId);
    if (row === undefined || row.version > this.ctx.snapshotVersion) return row;
    const copy: KeyRow<K, N, V> = { key: row.key, entries: row.entries.slice(), version: this.ctx.version };
    map.set(keyId, copy);
    return copy;
  }
}

/**
 * Windows are cleared oldest first: shift() moves the array's start in V8 (splice would copy
 * the rest and allocate an array of what it removed, once per fired window).
 */
function removeAt<T>(list: T[], i: number): void {
  if (i === 0) list.shift();
  else if (i === list.length - 1) list.pop();
  else list.splice(i, 1);
}

/**
 * Finds a key's namespace. The newest first, by identity: a window assigner hands out the same
 * window object for consecutive elements, which mostly go to a key's newest window. Otherwise
 * from both ends (windows fire and are cleared oldest first), comparing hash codes before
 * `equals`: a periodic watermark in a fast replay leaves about a hundred windows open per key,
 * and the first element of a key in a new window searched them all with `equals` (the hottest
 * loop of IpCount's window once the scan from both ends had made hits cheap).
 */
function indexOf<N>(entries: readonly StateEntry<N, unknown>[], namespace: N): number {
  const last = entries.length - 1;
  if (last >= 0 && entries[last].namespace === namespace) return last;
  const hash = namespaceHash(namespace);
  for (let newest = last, oldest = 0; oldest <= newest; newest--, oldest++) {
    const a = entries[newest];
    if (a.hash === hash && sameNamespace(a.namespace, namespace)) return newest;
    const b = entries[oldest];
    if (oldest < newest && b.hash === hash && sameNamespace(b.namespace, namespace)) return oldest;
  }
  return -1;
}
