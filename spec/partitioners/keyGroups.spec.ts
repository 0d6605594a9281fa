import {
  assignKeyToParallelOperator,
  assignToKeyGroup,
  computeDefaultMaxParallelism,
  computeKeyGroupRangeForOperatorIndex,
  computeOperatorIndexForKeyGroup,
} from '../../lib/partitioners/keyGroups';
import { doubleHashCode, javaHashCode, longHashCode, stringHashCode } from '../../lib/partitioners/javaHashCode';
import { murmurHash } from '../../lib/partitioners/murmurHash';

describe('Java hashCode', () => {
  it('hashes strings as String.hashCode, with 32-bit overflow', () => {
    // Values printed by OpenJDK 17 for the same calls.
    expect(stringHashCode('hello')).toBe(99162322);
    expect(stringHashCode('a')).toBe(97);
    expect(stringHashCode('')).toBe(0);
    expect(stringHashCode('192.168.1.2')).toBe(55965974);
    // UTF-16 code units, as Java: "é" is one unit, "😀" is two.
    expect(stringHashCode('é')).toBe(233);
    expect(stringHashCode('😀')).toBe(1772899);
  });

  it('hashes 32-bit integers as themselves, longs and doubles as Java does', () => {
    expect(javaHashCode(42)).toBe(42);
    expect(javaHashCode(-7)).toBe(-7);
    expect(longHashCode(5_000_000_000n)).toBe(705032705); // Long.hashCode(5000000000L)
    expect(javaHashCode(5_000_000_000)).toBe(705032705);
    expect(longHashCode(-1n)).toBe(0);
    expect(doubleHashCode(1.5)).toBe(1073217536); // Double.hashCode(1.5)
    expect(doubleHashCode(-0.1)).toBe(639631363);
    expect(javaHashCode(true)).toBe(1231);
    expect(javaHashCode(false)).toBe(1237);
  });

  it('hashes a one-field tuple as its field, longer tuples as Flink tuples', () => {
    expect(javaHashCode(['192.168.1.2'])).toBe(javaHashCode('192.168.1.2'));
    expect(javaHashCode(['a', 1])).toBe(31 * 97 + 1);
  });

  it('rejects null keys and plain objects with a clear error', () => {
    expect(() => javaHashCode(null)).toThrow(/must not be null/);
    expect(() => javaHashCode(undefined)).toThrow(/must not be null/);
    expect(() => javaHashCode({ ip: 'x' })).toThrow(/hashCode\(\)/);
    expect(javaHashCode({ hashCode: () => 12 })).toBe(12);
  });
});

describe('key groups (Flink KeyGroupRangeAssignment)', () => {
  it('reproduces the key groups of FLINK-SEMANTICS.md at maxParallelism 128', () => {
    expect(assignToKeyGroup('192.168.1.2', 128)).toBe(18);
    expect(assignToKeyGroup('192.168.1.1', 128)).toBe(122);
    expect(assignToKeyGroup('192.168.1.3', 128)).toBe(87);
    expect(assignToKeyGroup('192.168.1.4', 128)).toBe(98);
    expect(assignToKeyGroup('hello', 128)).toBe(35);
    expect(assignToKeyGroup('a', 128)).toBe(81);
  });

  it('puts the seed table keys on the subtasks the lesson printed at parallelism 4', () => {
    const prefix = (ip: string): number => assignKeyToParallelOperator(ip, 128, 4) + 1;
    expect(prefix('192.168.1.2')).toBe(1);
    expect(prefix('192.168.1.3')).toBe(3);
    expect(prefix('192.168.1.1')).toBe(4);
    expect(prefix('192.168.1.4')).toBe(4);
  });

  it('murmurHash is non-negative and matches Flink for known codes', () => {
    for (const code of [0, 1, -1, 2147483647, -2147483648, 99162322]) expect(murmurHash(code)).toBeGreaterThanOrEqual(0);
    expect(murmurHash(stringHashCode('hello')) % 128).toBe(35);
  });

  it('computes the default max parallelism as Flink', () => {
    expect(computeDefaultMaxParallelism(1)).toBe(128);
    expect(computeDefaultMaxParallelism(4)).toBe(128);
    expect(computeDefaultMaxParallelism(85)).toBe(128);
    expect(computeDefaultMaxParallelism(86)).toBe(256); // 86 + 43 = 129 → 256
    expect(computeDefaultMaxParallelism(30000)).toBe(32768);
  });

  it('gives each subtask the key-group range whose groups map back to it', () => {
    for (const [maxP, p] of [
      [128, 4],
      [128, 3],
      [128, 7],
      [256, 100],
    ]) {
      let next = 0;
      for (let i = 0; i < p; i++) {
        const range = computeKeyGroupRangeForOperatorIndex(maxP, p, i);
        expect(range.start).toBe(next);
        for (let kg = range.start; kg <= range.end; kg++) expect(computeOperatorIndexForKeyGroup(maxP, p, kg)).toBe(i);
        next = range.end + 1;
      }
      expect(next).toBe(maxP);
    }
  });

  it('refuses a parallelism above the max parallelism', () => {
    expect(() => computeKeyGroupRangeForOperatorIndex(4, 8, 0)).toThrow(/exceeds maxParallelism/);
  });
});
