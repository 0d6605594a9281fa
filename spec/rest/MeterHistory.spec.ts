import { MeterHistory } from '../../lib/rest/MeterHistory';

describe('MeterHistory (per-second rates from counter samples)', () => {
  it('has no rate until two samples at different times exist', () => {
    const m = new MeterHistory(5000);
    expect(m.record('a', 1000, [10])).toEqual([null]);
    expect(m.record('a', 1000, [20])).toEqual([null]); // same time: the newer sample replaces the older
    expect(m.record('a', 2000, [70])).toEqual([50]);
  });

  it('averages over the samples of the last window, keeping one older sample', () => {
    const m = new MeterHistory(2000);
    m.record('a', 0, [0]);
    m.record('a', 1000, [100]);
    m.record('a', 2000, [300]);
    // Samples at 1000 and 2000 are in the window (3000 - 2000 = 1000): (600 - 100) / 2 s.
    expect(m.record('a', 3000, [600])).toEqual([250]);
    // A slow poller: the only other sample is 7 s old and still counts.
    expect(m.record('a', 10_000, [1300])).toEqual([100]);
  });

  it('keeps counters and keys apart, ignores answers that arrive out of order, and forgets a job', () => {
    const m = new MeterHistory();
    m.record('job1:1.0', 0, [0, 0]);
    m.record('job2:1.0', 0, [0, 0]);
    expect(m.record('job1:1.0', 500, [10, 40])).toEqual([20, 80]);
    expect(m.record('job1:1.0', 400, [5, 5])).toEqual([null, null]);
    m.forget('job1:');
    expect(m.size).toBe(1);
    expect(m.record('job1:1.0', 1000, [10, 40])).toEqual([null, null]);
  });
});
