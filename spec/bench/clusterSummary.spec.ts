import { FINISHED, summarizeThroughput, ThroughputSample } from '../../bench/cluster/throughput';
import { percentile } from '../../bench/stats';

/** The cross-process bench's parsing and summary, on fixed inputs (no processes, no timing). */

const sample = (placement: string, runtimeMs: number, cpuSeconds: number, digest = 'd'): ThroughputSample => ({
  job: 'IpCount',
  placement,
  parallelism: 4,
  records: 1_000_000,
  runtimeMs,
  cpuSeconds,
  digest,
});

describe('the cross-process bench summary', () => {
  it("reads the job's net runtime from what brook run prints, in one process and on a cluster", () => {
    expect(FINISHED.exec("brook: job 'Socket Window IpCount' finished in 1234 ms (0 malformed records skipped, 0 late records dropped)")?.[1]).toBe('1234');
    expect(FINISHED.exec("brook: job 'Nexmark q5' finished in 56 ms (0 malformed records skipped, 0 late records dropped, 0 restarts)")?.[1]).toBe('56');
  });

  it('gives records/s, CPU-seconds per million records and the paired ratio to the in-process runs', () => {
    const rows = summarizeThroughput(
      [
        sample('in process (brook run)', 1000, 2),
        sample('2 TM processes', 4000, 5),
        sample('in process (brook run)', 2000, 4),
        sample('2 TM processes', 4000, 6),
      ],
      [],
    );
    const inProcess = rows.find((r) => r.placement === 'in process (brook run)')!;
    const two = rows.find((r) => r.placement === '2 TM processes')!;
    expect(inProcess.recordsPerSecond).toBe(750_000);
    expect(inProcess.vsInProcess).toBe(1);
    expect(two.recordsPerSecond).toBe(250_000);
    // Run 1: 250 K/s against 1 M/s; run 2: 250 K/s against 500 K/s.
    expect(two.vsInProcess).toBeCloseTo(0.375);
    expect(two.cpuSecondsPerMillion).toBe(5.5);
    expect(two.outputAgrees).toBe(true);
  });

  it('says when a run printed other output than the in-process run, and keeps failures', () => {
    const rows = summarizeThroughput(
      [sample('in process (brook run)', 1000, 2, 'a'), sample('4 TM processes', 1000, 2, 'b')],
      [{ job: 'IpCount', placement: '4 TM processes', error: 'exit 1' }],
    );
    expect(rows.find((r) => r.placement === '4 TM processes')).toMatchObject({ outputAgrees: false, failures: ['exit 1'] });
    expect(rows.find((r) => r.placement === 'in process (brook run)')?.outputAgrees).toBe(true);
  });

  it('takes nearest-rank percentiles', () => {
    const xs = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 95)).toBe(10);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});
