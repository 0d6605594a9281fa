import { namespaceHash, sameNamespace } from '../../../lib/runtime/state/Namespace';
import { TimeWindow } from '../../../lib/windowing/windows/TimeWindow';

/** A namespace object that compares by value but has no hashCode (allowed: codes are optional). */
class Tag {
  constructor(readonly name: string) {}
  equals(other: unknown): boolean {
    return other instanceof Tag && other.name === this.name;
  }
}

describe('namespaces (how state tables tell one namespace of a key from another)', () => {
  describe('sameNamespace', () => {
    it('compares primitives by value, never calling anything on them', () => {
      expect(sameNamespace('ab', 'ab')).toBe(true);
      expect(sameNamespace('ab', 'cd')).toBe(false);
      expect(sameNamespace(3, 3)).toBe(true);
      expect(sameNamespace(3, 4)).toBe(false);
      expect(sameNamespace(null, null)).toBe(true);
      expect(sameNamespace(null, 'x')).toBe(false);
      expect(sameNamespace(null, new TimeWindow(0, 5))).toBe(false);
      expect(sameNamespace('x', new TimeWindow(0, 5))).toBe(false);
    });

    it('compares objects with their own equals, windows by value', () => {
      expect(sameNamespace(new TimeWindow(0, 5), new TimeWindow(0, 5))).toBe(true);
      expect(sameNamespace(new TimeWindow(0, 5), new TimeWindow(5, 10))).toBe(false);
      expect(sameNamespace(new Tag('a'), new Tag('a'))).toBe(true);
      expect(sameNamespace(new Tag('a'), new Tag('b'))).toBe(false);
    });

    it('compares objects without equals by identity only', () => {
      const plain = { start: 0 };
      expect(sameNamespace(plain, plain)).toBe(true);
      expect(sameNamespace(plain, { start: 0 })).toBe(false);
    });
  });

  describe('namespaceHash', () => {
    it('gives equal namespaces equal codes', () => {
      expect(namespaceHash(new TimeWindow(1_700_000_000_000, 1_700_000_005_000))).toBe(namespaceHash(new TimeWindow(1_700_000_000_000, 1_700_000_005_000)));
      expect(namespaceHash(new Tag('a'))).toBe(namespaceHash(new Tag('a')));
      expect(namespaceHash('timers')).toBe(namespaceHash('timers'));
      expect(namespaceHash(1_700_000_000_000)).toBe(namespaceHash(1_700_000_000_000));
    });

    it('gives 32-bit integer codes, 0 for null, undefined and objects without hashCode', () => {
      for (const ns of [0, -1, 2 ** 53 - 1, 1.5, 'x', new TimeWindow(-5, 0)]) expect(namespaceHash(ns)).toBe(namespaceHash(ns) | 0);
      expect(namespaceHash(null)).toBe(0);
      expect(namespaceHash(undefined)).toBe(0);
      expect(namespaceHash(new Tag('a'))).toBe(0);
      expect(namespaceHash({ start: 0 })).toBe(0);
    });

    // The code is a pre-filter: a key with many namespaces (a window per 5 s for as long as the
    // watermark lags) finds one by comparing codes first, so typical namespaces must spread.
    it('spreads the windows of a key, and millisecond timestamps past 2^32, over distinct codes', () => {
      const windows = Array.from({ length: 1000 }, (_, i) => new TimeWindow(1_700_000_000_000 + i * 5000, 1_700_000_005_000 + i * 5000));
      expect(new Set(windows.map(namespaceHash)).size).toBe(1000);
      const timestamps = Array.from({ length: 1000 }, (_, i) => 1_700_000_000_000 + i * 5000);
      expect(new Set(timestamps.map(namespaceHash)).size).toBe(1000);
      // Numbers equal in their low 32 bits differ above them.
      expect(namespaceHash(1)).not.toBe(namespaceHash(2 ** 32 + 1));
      expect(namespaceHash(1)).not.toBe(namespaceHash(2 ** 33 + 1));
    });

    it('tells strings of different lengths apart', () => {
      expect(new Set(['', 'a', 'ab', 'abc', 'window-timers'].map(namespaceHash)).size).toBe(5);
    });
  });
});
