import { generateInput, referenceCounts, totalLines, windowOf } from '../../samples/chaos/ChaosInput';
import { compareResults, differenceCount } from '../../samples/chaos/compareResults';
import { SeededRandom } from '../../lib/util/SeededRandom';

describe('chaos runner: comparing committed results with the reference', () => {
  const reference = new Map([
    ['09:00:00 203.0.113.1', 3],
    ['09:00:05 203.0.113.1', 1],
    ['09:00:00 192.0.2.10', 2],
  ]);

  it('accepts one right count per (window, ip), whatever time of the window a result prints', () => {
    const d = compareResults(reference, ['09:00:02 203.0.113.1 3', '09:00:09 203.0.113.1 1', '09:00:04 192.0.2.10 2']);
    expect(differenceCount(d)).toBe(0);
    expect(d.compared).toBe(3);
  });

  it('finds a lost, a doubled, a wrong and an unexpected result', () => {
    const d = compareResults(reference, ['09:00:00 203.0.113.1 3', '09:00:01 203.0.113.1 3', '09:00:05 203.0.113.1 2', '09:00:10 192.0.2.10 1']);
    expect(d.lost).toEqual(['09:00:00 192.0.2.10']);
    expect(d.doubled).toEqual(['09:00:00 203.0.113.1: 3, 3 (expected 3)']);
    expect(d.wrong).toEqual(['09:00:05 203.0.113.1: got 2, expected 1']);
    expect(d.unexpected).toEqual(['09:00:10 192.0.2.10: 1']);
  });

  it('counts a malformed result as unexpected', () => {
    expect(compareResults(new Map(), ['garbage']).unexpected).toEqual(['malformed result "garbage"']);
  });

  it('generates the same input for the same seed, every stream in time order, and counts every line', () => {
    const a = generateInput(new SeededRandom(7), 1001, 4);
    expect(generateInput(new SeededRandom(7), 1001, 4)).toEqual(a);
    expect(a.streams.map((s) => s.length)).toEqual([251, 250, 250, 250]);
    for (const s of a.streams) {
      const times = s.map((line) => line.slice(0, 8));
      expect([...times].sort()).toEqual(times);
    }
    expect([...referenceCounts(a).values()].reduce((x, y) => x + y, 0)).toBe(totalLines(a));
    expect(windowOf('09:01:09')).toBe('09:01:05');
  });
});
