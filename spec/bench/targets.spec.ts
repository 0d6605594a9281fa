import { CaseSummary, Sample } from '../../bench/summary';
import { checkTargets, renderTargets, Target } from '../../bench/targets';

/** A sample of `rate` records/s (1 s runs), with the given memory and GC share. */
const sample = (rate: number, extra: Partial<Sample> = {}): Sample => ({
  records: rate,
  digest: 'd',
  elapsedMs: 1000,
  peakRssMb: 100,
  gcMs: 50,
  busyMs: 1000,
  ...extra,
});

const summary = (name: string, samples: Sample[], extra: Partial<CaseSummary> = {}): CaseSummary => ({
  name,
  group: 'ipcount',
  description: name,
  cores: 1,
  samples,
  failures: [],
  recordsPerSecond: [...samples.map((s) => s.records)].sort((a, b) => a - b)[samples.length >> 1],
  spread: 0,
  peakRssMb: Math.max(...samples.map((s) => s.peakRssMb)),
  digestsAgree: true,
  flinkPerCore: undefined,
  ...extra,
});

const byTarget = (targets: Target[], prefix: string): Target => {
  const t = targets.find((x) => x.target.startsWith(prefix));
  if (!t) throw new Error(`no target '${prefix}' in ${targets.map((x) => x.target).join(', ')}`);
  return t;
};

/** Three interleaved runs: the limit slows down in run 2, and brook with it. */
const limit = summary('limit', [
  sample(1000, { peakRssMb: 100, gcMs: 50 }),
  sample(500, { peakRssMb: 100, gcMs: 50 }),
  sample(1000, { peakRssMb: 100, gcMs: 50 }),
]);
const p1 = summary('brook p1', [
  sample(850, { peakRssMb: 140, gcMs: 90 }),
  sample(450, { peakRssMb: 160, gcMs: 130 }),
  sample(800, { peakRssMb: 150, gcMs: 100 }),
]);
const rxjs = summary('RxJS', [sample(900), sample(300), sample(700)]);
const most = summary('@most/core', [sample(800), sample(460), sample(810)]);
const threads = summary('brook 2 TM threads p2', [sample(1400), sample(700), sample(1200)], { cores: 2 });
const q5 = summary('nexmark q5 p1', [sample(500), sample(400), sample(600)], { group: 'nexmark-q5' });
const q5Checkpointed = summary(
  'nexmark q5 p1, checkpoints every 10 s',
  [sample(520, { checkpointsCompleted: 2 }), sample(380, { checkpointsCompleted: 1 }), sample(600, { checkpointsCompleted: 3 })],
  { group: 'nexmark-q5', withCheckpointsOf: 'nexmark q5 p1' },
);

describe('the benchmark targets table', () => {
  const targets = checkTargets([limit, p1, threads, rxjs, most, q5, q5Checkpointed]);

  it('holds brook p1 to 0.8 of the limit by the median of the per-run ratios, not the ratio of medians', () => {
    // Per run 0.85, 0.9, 0.8: median 0.85, where the ratio of the medians would be 800/1000.
    const t = byTarget(targets, 'brook p1 / limit');
    expect(t.value).toBeCloseTo(0.85, 10);
    expect(t.met).toBe(true);
    const slower = checkTargets([limit, summary('brook p1', [sample(790), sample(390), sample(900)])]);
    expect(byTarget(slower, 'brook p1 / limit')).toMatchObject({ met: false });
  });

  it('wants brook p1 ahead of each peer in the same runs', () => {
    // RxJS per run: 850/900, 450/300, 800/700 → median 1.14; @most/core: 1.06, 0.98, 0.99 → 0.99.
    expect(byTarget(targets, 'brook p1 / RxJS')).toMatchObject({ met: true });
    expect(byTarget(targets, 'brook p1 / RxJS').value).toBeCloseTo(800 / 700, 10);
    expect(byTarget(targets, 'brook p1 / @most/core')).toMatchObject({ met: false });
    expect(byTarget(targets, 'brook p1 / @most/core').value).toBeCloseTo(800 / 810, 10);
  });

  it('wants the fastest TaskManager-threads case at 1.3 of the limit', () => {
    const t = byTarget(targets, 'brook 2 TM threads p2');
    expect(t.value).toBeCloseTo(1.4, 10);
    expect(t.met).toBe(true);
    const slower = checkTargets([limit, p1, summary('brook 2 TM threads p2', [sample(1200), sample(600), sample(1290)])]);
    expect(byTarget(slower, 'brook 2 TM threads p2')).toMatchObject({ met: false });
  });

  it('bounds peak RSS at 1.5 times the limit and the GC share at the limit plus 5 points', () => {
    const rss = byTarget(targets, 'brook p1 peak RSS');
    expect(rss.value).toBeCloseTo(1.5, 10);
    expect(rss.met).toBe(true);
    // GC shares: 9 %, 13 %, 10 % against 5 %: +4, +8, +5 points, median +5.
    const gc = byTarget(targets, 'brook p1 GC share');
    expect(gc.value).toBeCloseTo(5, 10);
    expect(gc.unit).toBe('points');
    expect(gc.met).toBe(true);
    const moreGc = checkTargets([
      limit,
      summary(
        'brook p1',
        p1.samples.map((s) => ({ ...s, gcMs: 110 })),
      ),
    ]);
    expect(byTarget(moreGc, 'brook p1 GC share')).toMatchObject({ met: false });
  });

  it('compares a Nexmark query with checkpoints to the same query without them, paired by run', () => {
    // 520/500, 380/400, 600/600 → median 1.
    const t = byTarget(targets, 'nexmark q5 p1 per core: with checkpoints');
    expect(t.value).toBeCloseTo(1, 10);
    expect(t.met).toBe(true);
  });

  it('does not count a checkpointed run that completed no checkpoint', () => {
    const none = summary(
      'nexmark q5 p1, checkpoints every 10 s',
      q5Checkpointed.samples.map((s, i) => ({ ...s, checkpointsCompleted: i === 1 ? 0 : 2 })),
      {
        group: 'nexmark-q5',
        withCheckpointsOf: 'nexmark q5 p1',
      },
    );
    const t = byTarget(checkTargets([q5, none]), 'nexmark q5 p1 per core: with checkpoints');
    expect(t.met).toBeUndefined();
    expect(t.note).toMatch(/no checkpoint/);
  });

  it('reports a target it cannot compute as not measured rather than met', () => {
    const t = checkTargets([p1]);
    expect(byTarget(t, 'brook p1 / limit')).toMatchObject({ value: undefined, met: undefined });
    expect(byTarget(t, 'brook 2 TM threads')).toMatchObject({ value: undefined, met: undefined });
  });

  it('no longer holds brook to 10 times the naive actors', () => {
    const t = checkTargets([limit, p1, summary('naive actors', [sample(100), sample(50), sample(100)])]);
    expect(t.some((x) => /naive/.test(x.target))).toBe(false);
  });

  it('prints met / NOT met with the value and the bound', () => {
    const lines = renderTargets(targets);
    expect(lines).toContain('  met      brook p1 / limit: 0.85 (wanted >= 0.8)');
    expect(lines).toContain('  NOT met  brook p1 / @most/core: 0.99 (wanted > 1)');
    expect(lines).toContain('  met      brook p1 GC share of busy time - limit GC share: +5.0 points (wanted <= +5 points)');
  });
});
