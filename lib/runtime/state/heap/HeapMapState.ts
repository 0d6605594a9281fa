import { KeyId, keyIdentity } from '../../KeyIdentity';
import { MapState } from '../../../core/state/State';
import { AbstractHeapState } from './AbstractHeapState';

/** One user-map entry: the user key, its value, and (with TTL) its last-access time. */
type MapEntry<UK, UV> = [UK, UV, number?];

/**
 * Flink's HeapMapState. User keys are compared by value (as Flink compares with equals), so
 * the map is indexed by the key's identity; with TTL each entry expires on its own.
 */
export class HeapMapState<K, N, UK, UV> extends AbstractHeapState<K, N, Map<KeyId, MapEntry<UK, UV>>> implements MapState<UK, UV> {
  protected readonly kindName = 'MapState';

  get(key: UK): UV | undefined {
    this.ttl?.accessed();
    const entry = this.live(key);
    if (entry === undefined) return undefined;
    if (this.ttl?.updateOnRead) this.writable().set(keyIdentity(key), [entry[0], entry[1], this.ttl.now()]);
    return entry[1];
  }

  put(key: UK, value: UV): void {
    this.ttl?.accessed();
    this.checkValue(key, 'user key');
    this.checkValue(value, 'value', key);
    const entry: MapEntry<UK, UV> = this.ttl ? [key, value, this.ttl.now()] : [key, value];
    this.writable().set(keyIdentity(key), entry);
  }

  putAll(entries: Iterable<readonly [UK, UV]> | ReadonlyMap<UK, UV>): void {
    for (const [k, v] of entries) this.put(k, v);
  }

  remove(key: UK): void {
    const map = this.table.getForUpdate(this.namespace);
    if (!map) return;
    map.delete(keyIdentity(key));
    if (map.size === 0) this.table.remove(this.namespace);
  }

  contains(key: UK): boolean {
    return this.live(key) !== undefined;
  }

  *entries(): IterableIterator<[UK, UV]> {
    for (const e of this.liveEntries()) yield [e[0], e[1]];
  }

  *keys(): IterableIterator<UK> {
    for (const e of this.liveEntries()) yield e[0];
  }

  *values(): IterableIterator<UV> {
    for (const e of this.liveEntries()) yield e[1];
  }

  isEmpty(): boolean {
    return this.liveEntries().length === 0;
  }

  /** Read through getForUpdate, as Flink copies on read: a caller may change the value and put it back. */
  private live(key: UK): MapEntry<UK, UV> | undefined {
    const entry = this.table.getForUpdate(this.namespace)?.get(keyIdentity(key));
    if (entry === undefined || !this.ttl || !this.ttl.expired(entry[2]!)) return entry;
    this.remove(key);
    return this.ttl.returnExpired ? entry : undefined;
  }

  /** A snapshot of the entries (so callers may change the map while iterating), expired ones removed. */
  private liveEntries(): MapEntry<UK, UV>[] {
    this.ttl?.accessed();
    const map = this.table.getForUpdate(this.namespace);
    if (!map) return [];
    const all = [...map.values()];
    if (!this.ttl) return all;
    const live = all.filter((e) => !this.ttl!.expired(e[2]!));
    if (live.length !== all.length) for (const e of all) if (this.ttl.expired(e[2]!)) this.remove(e[0]);
    return this.ttl.returnExpired ? all : live;
  }

  private writable(): Map<KeyId, MapEntry<UK, UV>> {
    let map = this.table.getForUpdate(this.namespace);
    if (map === undefined) {
      map = new Map();
      this.table.put(this.namespace, map);
    }
    return map;
  }
}
