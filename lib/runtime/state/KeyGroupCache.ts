import { computeKeyGroupForKeyHash } from '../../partitioners/keyGroups';
import { javaHashCode } from '../../partitioners/javaHashCode';
import { KeyId, keyIdentity } from '../KeyIdentity';

/** Slots of the cache: a power of two, a few thousand keys met recently. */
const SLOTS = 4096;

/**
 * The key group and the identity of the keys a keyed backend met recently. Keys mostly come as
 * new strings with each record (words parsed from a line): a native Map compares such a key
 * with the one it stored character by character, but the very instance it stored by address.
 * Handing out one instance per key makes the state and timer lookups that follow the current
 * key cheap, and spares the murmur round of the key group. Direct mapped by the key's Java hash
 * (needed for the key group anyway): bounded memory, O(1) per key; a collision costs the next
 * key that maps there a miss, never a wrong answer, as a slot is used only for an equal KeyId.
 */
export class KeyGroupCache {
  private readonly ids: Array<KeyId | undefined> = new Array<KeyId | undefined>(SLOTS).fill(undefined);
  private readonly groups = new Int32Array(SLOTS);
  /** Set by `resolve`: the key's identity (an instance shared by equal keys met recently). */
  keyId!: KeyId;
  /** Set by `resolve`: the key's key group. */
  keyGroup = 0;
  /** Keys resolved without the cache's help (their key group computed). */
  misses = 0;

  constructor(private readonly maxParallelism: number) {}

  /** How many keys it holds at most. */
  get capacity(): number {
    return this.ids.length;
  }

  resolve(key: unknown): void {
    const hash = javaHashCode(key);
    const keyId = keyIdentity(key);
    const slot = hash & (SLOTS - 1);
    const cached = this.ids[slot];
    if (cached === keyId) {
      this.keyId = cached;
      this.keyGroup = this.groups[slot];
      return;
    }
    this.misses++;
    const keyGroup = computeKeyGroupForKeyHash(hash, this.maxParallelism);
    this.ids[slot] = keyId;
    this.groups[slot] = keyGroup;
    this.keyId = keyId;
    this.keyGroup = keyGroup;
  }
}
