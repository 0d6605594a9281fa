import { DataStream } from '../../lib/api/DataStream';
import { Time } from '../../lib/core/Time';
import { TumblingEventTimeWindows } from '../../lib/windowing/assigners/TumblingEventTimeWindows';
import { OperatorHarness } from '../harness/OperatorHarness';
import { operatorOf, subtaskOf } from '../harness/operatorOf';

interface Hit {
  key: string;
  n: number;
}

type Step = { element: Hit; ts: number } | { watermark: number };

const KEYS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];

function steps(from: number, to: number): Step[] {
  const out: Step[] = [];
  for (let t = from; t < to; t += 250) {
    KEYS.forEach((key, i) => out.push({ element: { key, n: i + 1 }, ts: t + i }));
    if (t % 1000 === 750) out.push({ watermark: t });
  }
  return out;
}

const define = (s: DataStream<Hit>) =>
  s
    .keyBy('key')
    .window(TumblingEventTimeWindows.of(Time.seconds(2)))
    .allowedLateness(Time.seconds(1))
    .sum('n');

function feed(h: OperatorHarness<Hit, Hit>, list: Step[]): void {
  for (const s of list) {
    if ('watermark' in s) h.watermark(s.watermark);
    else h.element(s.element, s.ts);
  }
}

const sorted = (rs: Array<{ value: Hit; timestamp: number }>) => rs.map((r) => `${r.timestamp} ${r.value.key} ${r.value.n}`).sort();

describe('WindowOperator checkpoints', () => {
  const factory = operatorOf(define);
  const first = steps(0, 3000);
  // Includes a late element for an already fired window (within allowed lateness): re-fires.
  const rest: Step[] = [...steps(3000, 6000), { element: { key: 'a', n: 100 }, ts: 3500 }, { watermark: 9999 }];

  function uninterrupted(): string[] {
    const h = new OperatorHarness<Hit, Hit>(factory()).open();
    feed(h, first);
    feed(h, rest);
    return sorted(h.records());
  }

  it('restores into a fresh operator and gives the same results as a run without failure', () => {
    const h1 = new OperatorHarness<Hit, Hit>(factory()).open();
    feed(h1, first);
    const before = h1.records();
    const snapshot = h1.snapshot(1);
    feed(h1, [{ element: { key: 'z', n: 5 }, ts: 2500 }]); // after the barrier: not in the snapshot

    const h2 = new OperatorHarness<Hit, Hit>(factory()).initializeState(snapshot).open();
    feed(h2, rest);
    expect([...sorted(before), ...sorted(h2.records())].sort()).toEqual(uninterrupted());
    // The windows still open at the barrier (with their timers) fired after the restore.
    expect(h2.records().some((r) => r.timestamp === 3999)).toBe(true);
  });

  it('restores into a different parallelism: each subtask takes its key groups', () => {
    const h1 = new OperatorHarness<Hit, Hit>(factory()).open();
    feed(h1, first);
    const before = h1.records();
    const snapshot = h1.snapshot(1);

    const parallelism = 3;
    const subtasks = Array.from({ length: parallelism }, (_, i) =>
      new OperatorHarness<Hit, Hit>(factory(), { subtaskIndex: i, parallelism }).initializeState(snapshot).open(),
    );
    expect(new Set(KEYS.map((k) => subtaskOf(k, parallelism))).size).toBeGreaterThan(1);
    for (const s of rest) {
      if ('watermark' in s) subtasks.forEach((h) => h.watermark(s.watermark));
      else subtasks[subtaskOf(s.element.key, parallelism)].element(s.element, s.ts);
    }
    const after = subtasks.flatMap((h) => h.records());
    expect([...sorted(before), ...sorted(after)].sort()).toEqual(uninterrupted());

    // And back to one subtask from the three.
    const snapshots = subtasks.map((h, i) => h.snapshot(2 + i));
    const merged = new OperatorHarness<Hit, Hit>(factory()).initializeState(snapshots).open();
    merged.element({ key: 'a', n: 1 }, 12000).watermark(20000);
    expect(merged.values()).toEqual([{ key: 'a', n: 1 }]);
  });
});
