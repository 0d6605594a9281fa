import { BackPressureGauge, backPressureLevel } from '../../lib/runtime/BackPressureGauge';

describe('BackPressureGauge (Flink backPressuredTimeMsPerSecond)', () => {
  it('reports the share of the last complete 5 s interval spent blocked', () => {
    const g = new BackPressureGauge(5000);
    g.begin(0);
    g.markBlocked(1000);
    g.markUnblocked(4000); // 3 s of the first interval
    g.markBlocked(9000); // 1 s of the second, and still blocked
    expect(g.snapshot(5000)).toEqual({
      backPressuredTimeMs: 3000,
      backPressuredTimeMsPerSecond: 600,
      backPressureRatio: 0.6,
      backPressureLevel: 'HIGH',
    });
    // At 12 s the last complete interval is [5 s, 10 s): blocked 1 s of it.
    expect(g.snapshot(12_000)).toMatchObject({ backPressuredTimeMs: 6000, backPressureRatio: 0.2, backPressureLevel: 'LOW' });
    // Blocked through [10 s, 15 s) entirely.
    expect(g.snapshot(15_000)).toMatchObject({ backPressuredTimeMs: 9000, backPressureRatio: 1 });
  });

  it('uses the time so far before the first interval completes, and ignores repeated marks', () => {
    const g = new BackPressureGauge(5000);
    g.begin(100);
    g.markBlocked(100);
    g.markBlocked(600);
    g.markUnblocked(1100);
    g.markUnblocked(1500);
    expect(g.snapshot(2100)).toMatchObject({ backPressuredTimeMs: 1000, backPressureRatio: 0.5, backPressureLevel: 'LOW' });
  });

  it('maps ratios to the levels of the Flink web UI', () => {
    expect([0, 0.1, 0.11, 0.5, 0.51, 1].map(backPressureLevel)).toEqual(['OK', 'OK', 'LOW', 'LOW', 'HIGH', 'HIGH']);
  });
});
