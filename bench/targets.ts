import { SLOW_SINK_MICROS } from './ipcount/slowSink';
import { CaseSummary, gcShare, pairedMedian, pairedRatio } from './summary';

/** How a measured value is held against its bound; 'info' is printed, never met or missed. */
export type Comparison = '>=' | '>' | '<=' | '<' | 'info';

export interface Target {
  readonly target: string;
  /** The measured value (a ratio, or percentage points for 'points'), undefined when not measured. */
  readonly value: number | undefined;
  readonly unit: 'x' | 'points';
  readonly comparison: Comparison;
  readonly bound: number;
  /** Why the value is missing or does not count, when it is. */
  readonly note?: string;
  readonly met: boolean | undefined;
}

type Draft = Omit<Target, 'met'>;

/** The targets of the speed issue, each computed from the summaries of one run of the suite. */
export function checkTargets(s: readonly CaseSummary[]): Target[] {
  const byName = (name: string): CaseSummary | undefined => s.find((x) => x.name === name && x.samples.length > 0);
  const limit = byName('limit');
  const p1 = byName('brook p1');
  const drafts: Draft[] = [
    { target: 'brook p1 / limit', value: pairedRatio(p1, limit), unit: 'x', comparison: '>=', bound: 0.8 },
    ...['RxJS', '@most/core'].map<Draft>((peer) => ({
      target: `brook p1 / ${peer}`,
      value: pairedRatio(p1, byName(peer)),
      unit: 'x',
      comparison: '>',
      bound: 1,
    })),
  ];
  const threads = s.filter((x) => x.group === 'ipcount' && x.name.includes('TM threads') && x.samples.length > 0);
  if (threads.length > 0) {
    const best = threads.reduce((a, b) => (a.recordsPerSecond >= b.recordsPerSecond ? a : b));
    drafts.push({ target: `${best.name} (fastest TM threads case) / limit`, value: pairedRatio(best, limit), unit: 'x', comparison: '>=', bound: 1.3 });
  } else {
    drafts.push({ target: 'brook 2 TM threads / limit', value: undefined, unit: 'x', comparison: '>=', bound: 1.3 });
  }
  drafts.push(
    {
      target: 'brook p1 peak RSS / limit peak RSS',
      value: pairedMedian(
        p1,
        limit,
        (x, y) => x.peakRssMb / y.peakRssMb,
        (x, y) => x.peakRssMb / y.peakRssMb,
      ),
      unit: 'x',
      comparison: '<=',
      bound: 1.5,
    },
    {
      target: 'brook p1 GC share of busy time - limit GC share',
      value: pairedMedian(
        p1,
        limit,
        (x, y) => {
          const a = gcShare(x);
          const b = gcShare(y);
          return a === undefined || b === undefined ? undefined : (a - b) * 100;
        },
        () => undefined,
      ),
      unit: 'points',
      comparison: '<=',
      bound: 5,
    },
  );
  for (const c of s) {
    if (c.withCheckpointsOf === undefined) continue;
    const base = byName(c.withCheckpointsOf);
    const ran = c.samples.length > 0 ? c : undefined;
    const withoutCheckpoint = ran !== undefined && ran.samples.some((x) => (x.checkpointsCompleted ?? 0) === 0);
    drafts.push({
      target: `${c.withCheckpointsOf} per core: with checkpoints / without`,
      value: base === undefined ? undefined : pairedRatio(ran, base),
      unit: 'x',
      comparison: withoutCheckpoint ? 'info' : '>=',
      bound: 1,
      note: withoutCheckpoint ? 'a run completed no checkpoint (shorter than the interval): raise --events' : undefined,
    });
  }
  const slow1 = byName('slow sink 1x');
  const slow4 = byName('slow sink 4x');
  const unlimited = byName('slow sink 4x, no credit');
  if (slow1) {
    drafts.push({ target: 'slow sink 1x / sink pace', value: slow1.recordsPerSecond / (1e6 / SLOW_SINK_MICROS), unit: 'x', comparison: '<=', bound: 1.05 });
  }
  if (slow1 && slow4) {
    drafts.push({ target: 'slow sink peak RSS 4x input / 1x input (flat)', value: slow4.peakRssMb / slow1.peakRssMb, unit: 'x', comparison: '<', bound: 1.25 });
  }
  if (slow1 && unlimited) {
    drafts.push({
      target: '(contrast) slow sink without credit: peak RSS 4x input / 1x input',
      value: unlimited.peakRssMb / slow1.peakRssMb,
      unit: 'x',
      comparison: 'info',
      bound: 0,
    });
  }
  return drafts.map((t) => ({ ...t, met: t.value === undefined ? undefined : meets(t.value, t.comparison, t.bound) }));
}

function meets(value: number, comparison: Comparison, bound: number): boolean | undefined {
  switch (comparison) {
    case '>=':
      return value >= bound;
    case '>':
      return value > bound;
    case '<=':
      return value <= bound;
    case '<':
      return value < bound;
    case 'info':
      return undefined;
  }
}

/** One line per target: met / NOT met / blank (informative or not measured), value and bound. */
export function renderTargets(targets: readonly Target[]): string[] {
  return targets.map((t) => {
    const status = t.met === undefined ? '       ' : t.met ? 'met    ' : 'NOT met';
    const value = t.value === undefined ? 'n/a' : t.unit === 'points' ? `${t.value >= 0 ? '+' : ''}${t.value.toFixed(1)} points` : t.value.toFixed(2);
    const wanted = t.comparison === 'info' ? 'informative' : `wanted ${t.comparison} ${t.unit === 'points' ? `+${t.bound} points` : t.bound}`;
    return `  ${status}  ${t.target}: ${value} (${wanted})${t.note ? `; ${t.note}` : ''}`;
  });
}
