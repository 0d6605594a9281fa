/**
 * The identity of a key inside state maps. Primitive keys are their own identity; tuple (array)
 * keys and objects are compared by value, so they are mapped to a canonical JSON string.
 */
export type KeyId = string | number | boolean | bigint;

export function keyIdentity(key: unknown): KeyId {
  switch (typeof key) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return key;
    default:
      if (key === null || key === undefined) throw new TypeError('keys must not be null or undefined');
      return `\u0000${JSON.stringify(key, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`;
  }
}
