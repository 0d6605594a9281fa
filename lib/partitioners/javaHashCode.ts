/**
 * Java's hashCode for the key types brook accepts, so that a key lands in the same key group
 * (and so on the same subtask index) as it would in Flink.
 */
export function javaHashCode(key: unknown): number {
  switch (typeof key) {
    case 'string':
      return stringHashCode(key);
    case 'number':
      return numberHashCode(key);
    case 'boolean':
      return key ? 1231 : 1237; // Boolean.hashCode
    case 'bigint':
      return longHashCode(key);
    case 'object':
      if (key === null) break;
      if (Array.isArray(key)) return tupleHashCode(key);
      if (typeof (key as { hashCode?: unknown }).hashCode === 'function') {
        return (key as { hashCode(): number }).hashCode() | 0;
      }
      throw new TypeError(
        `cannot hash key ${safeString(key)}: a key must be a string, number, boolean, bigint, an array (tuple) of those, or an object with hashCode()`,
      );
    default:
      break;
  }
  throw new TypeError(`cannot hash key ${safeString(key)}: keys must not be null or undefined (Flink: "key cannot be null")`);
}

/** String.hashCode: h = 31*h + c over UTF-16 code units, with 32-bit overflow. */
export function stringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** 32-bit integers hash as Integer; other safe integers as Long; fractions as Double. */
export function numberHashCode(n: number): number {
  if (Number.isInteger(n)) {
    if (n >= -2147483648 && n <= 2147483647) return n | 0;
    if (Number.isSafeInteger(n)) return longHashCode(BigInt(n));
  }
  return doubleHashCode(n);
}

/** Long.hashCode: (int)(value ^ (value >>> 32)). */
export function longHashCode(v: bigint): number {
  const bits = BigInt.asUintN(64, v);
  return Number(BigInt.asIntN(32, bits ^ (bits >> 32n)));
}

/** Double.hashCode: the Long hash of doubleToLongBits (NaN canonicalised as Java does). */
export function doubleHashCode(d: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Number.isNaN(d) ? NaN : d);
  const hi = view.getInt32(0);
  const lo = view.getInt32(4);
  return hi ^ lo;
}

/** Flink's TupleN.hashCode: 31 * result + field hash, starting with the first field's hash. */
function tupleHashCode(fields: readonly unknown[]): number {
  if (fields.length === 0) return 0;
  let h = javaHashCode(fields[0]);
  for (let i = 1; i < fields.length; i++) h = (Math.imul(31, h) + javaHashCode(fields[i])) | 0;
  return h;
}

function safeString(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
