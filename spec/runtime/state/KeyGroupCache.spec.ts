import { javaHashCode } from '../../../lib/partitioners/javaHashCode';
import { assignToKeyGroup } from '../../../lib/partitioners/keyGroups';
import { keyIdentity } from '../../../lib/runtime/KeyIdentity';
import { KeyGroupCache } from '../../../lib/runtime/state/KeyGroupCache';

const MAX_PARALLELISM = 128;

function resolved(cache: KeyGroupCache, key: unknown): { keyId: unknown; keyGroup: number } {
  cache.resolve(key);
  return { keyId: cache.keyId, keyGroup: cache.keyGroup };
}

/** Two keys whose Java hashes share the cache slot (low 12 bits) but not the key group. */
function keysSharingASlot(): [string, string] {
  const bySlot = new Map<number, string>();
  for (let i = 0; ; i++) {
    const key = `key-${i}`;
    const slot = javaHashCode(key) & 4095;
    const other = bySlot.get(slot);
    if (other !== undefined && assignToKeyGroup(other, MAX_PARALLELISM) !== assignToKeyGroup(key, MAX_PARALLELISM)) return [other, key];
    bySlot.set(slot, key);
  }
}

describe('KeyGroupCache', () => {
  it('gives every key its key group and identity, first time and again', () => {
    const cache = new KeyGroupCache(MAX_PARALLELISM);
    const keys: unknown[] = ['10.0.0.1', 'a', '', 7, -3, 2 ** 40, 0.5, true, 12n, ['ip', 3], [1, 'x']];
    for (let round = 0; round < 2; round++) {
      for (const key of keys) {
        expect(resolved(cache, key)).toEqual({ keyId: keyIdentity(key), keyGroup: assignToKeyGroup(key, MAX_PARALLELISM) });
      }
    }
  });

  it('answers an equal key that arrives as another string from the cache', () => {
    const cache = new KeyGroupCache(MAX_PARALLELISM);
    const line = '12:00:00 10.1.2.3';
    const first = resolved(cache, line.slice(9));
    const again = resolved(cache, ` ${line}`.slice(10));
    expect(again).toEqual(first);
    expect(again.keyGroup).toBe(assignToKeyGroup('10.1.2.3', MAX_PARALLELISM));
    expect(cache.misses).toBe(1);
  });

  it('holds a few thousand keys: each met once, then all found again', () => {
    const cache = new KeyGroupCache(MAX_PARALLELISM);
    expect(cache.capacity).toBe(4096);
    const slots = new Map<number, string>();
    for (let i = 0; slots.size < 1000; i++) slots.set(javaHashCode(`h${i}`) & 4095, `h${i}`);
    for (const key of slots.values()) cache.resolve(key);
    for (const key of slots.values()) expect(resolved(cache, `${key} `.trim())).toEqual({ keyId: key, keyGroup: assignToKeyGroup(key, MAX_PARALLELISM) });
    expect(cache.misses).toBe(1000);
  });

  it('never answers a key with the group of another key in its slot', () => {
    const [a, b] = keysSharingASlot();
    const cache = new KeyGroupCache(MAX_PARALLELISM);
    for (const key of [a, b, a, a, b, b]) {
      expect(resolved(cache, key)).toEqual({ keyId: key, keyGroup: assignToKeyGroup(key, MAX_PARALLELISM) });
    }
  });

  it('tells apart keys of equal Java hash (String.hashCode collisions)', () => {
    expect(javaHashCode('Aa')).toBe(javaHashCode('BB'));
    const cache = new KeyGroupCache(MAX_PARALLELISM);
    expect(resolved(cache, 'Aa').keyId).toBe('Aa');
    expect(resolved(cache, 'BB').keyId).toBe('BB');
    expect(resolved(cache, 'Aa').keyId).toBe('Aa');
  });

  it('computes key groups for the maximum parallelism it was made for', () => {
    const small = new KeyGroupCache(4);
    for (let i = 0; i < 200; i++) expect(resolved(small, `k${i}`).keyGroup).toBe(assignToKeyGroup(`k${i}`, 4));
  });

  it('rejects keys brook cannot hash, as the backend always did', () => {
    const cache = new KeyGroupCache(MAX_PARALLELISM);
    expect(() => cache.resolve(null)).toThrow(/null or undefined/);
    expect(() => cache.resolve({})).toThrow(/cannot hash key/);
  });
});
