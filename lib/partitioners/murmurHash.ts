/** Flink's MathUtils.murmurHash(int): one round of MurmurHash3 on a 32-bit code, made non-negative. */
export function murmurHash(code: number): number {
  let h = code | 0;
  h = Math.imul(h, 0xcc9e2d51);
  h = rotl(h, 15);
  h = Math.imul(h, 0x1b873593);
  h = rotl(h, 13);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  h ^= 4;
  h = bitMix(h);
  if (h >= 0) return h;
  if (h !== -2147483648) return -h;
  return 0;
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function bitMix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x | 0;
}
