import { ManualClock } from '../../lib/time/ManualClock';

describe('ManualClock', () => {
  it('fires timers in due order, each seeing its own due time', () => {
    const clock = new ManualClock(1000);
    const seen: Array<[string, number]> = [];
    clock.setTimeout(() => seen.push(['b', clock.now()]), 200);
    clock.setTimeout(() => seen.push(['a', clock.now()]), 100);
    clock.setTimeout(() => seen.push(['c', clock.now()]), 200);
    clock.advance(150);
    expect(seen).toEqual([['a', 1100]]);
    expect(clock.now()).toBe(1150);
    clock.advance(1000);
    expect(seen).toEqual([
      ['a', 1100],
      ['b', 1200],
      ['c', 1200],
    ]);
    expect(clock.now()).toBe(2150);
  });

  it('fires timers registered by a timer when they fall due in the same advance', () => {
    const clock = new ManualClock(0);
    const seen: number[] = [];
    const tick = (): void => {
      seen.push(clock.now());
      if (seen.length < 3) clock.setTimeout(tick, 200);
    };
    clock.setTimeout(tick, 200);
    clock.advance(1000);
    expect(seen).toEqual([200, 400, 600]);
  });

  it('cancels, reports the next due time, and refuses to go back in time', () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    const h = clock.setTimeout(() => fired.push(1), 10);
    clock.setTimeout(() => fired.push(2), 20);
    clock.clearTimeout(h);
    expect(clock.nextDue()).toBe(20);
    clock.advance(30);
    expect(fired).toEqual([2]);
    expect(() => clock.set(5)).toThrow(/back in time/);
    expect(() => clock.advance(-1)).toThrow(/back in time/);
  });
});
