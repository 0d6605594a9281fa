/**
 * The window operator alone, per element: IpCount's window (tumbling 5 s event-time windows,
 * a sum per IP) fed records in a loop, without source, parsing or channels. Run after a build:
 *
 *   npm run build && node dist/bench/state/windowOperatorBench.js [--records 2000000]
 *
 * Workload as in IpCount's replay: 100 keys, 200 records per second of event time, each key a
 * fresh string (as parsed from a line), a watermark every 40 000 records (about 40 windows open
 * per key, as a periodic watermark leaves them in a fast replay), a snapshot every 100 000
 * records. Runs WindowOperator and PaneWindowOperator (what the API picks for this window)
 * alternately and prints, per operator, the CPU time per element of each round (after a warm-up
 * round) and the time a snapshot takes at the barrier.
 */
import { parseArgs } from 'util';
import { SumAggregator } from '../../lib/api/aggregation/SumAggregator';
import { Time } from '../../lib/core/Time';
import { OperatorMetrics } from '../../lib/runtime/TaskMetrics';
import { ManualClock } from '../../lib/time/ManualClock';
import { TumblingEventTimeWindows } from '../../lib/windowing/assigners/TumblingEventTimeWindows';
import { PassThroughWindowFunction } from '../../lib/windowing/functions/InternalWindowFunction';
import { ReducingContents } from '../../lib/windowing/functions/WindowContents';
import { PaneWindowOperator } from '../../lib/windowing/PaneWindowOperator';
import { WindowOperator } from '../../lib/windowing/WindowOperator';
import { TimeWindow } from '../../lib/windowing/windows/TimeWindow';

interface Hit {
  ip: string;
  count: number;
}

const { values: args } = parseArgs({ options: { records: { type: 'string', default: '2000000' }, rounds: { type: 'string', default: '3' } } });
const records = Number(args.records);
const rounds = Number(args.rounds);

type Operator = WindowOperator<Hit, string, TimeWindow, Hit, Hit, Hit> | PaneWindowOperator<Hit, string, Hit, Hit, Hit>;

function makeOperator(kind: 'WindowOperator' | 'PaneWindowOperator'): Operator {
  const sum = new SumAggregator<Hit>('count');
  const config = {
    keySelector: (h: Hit) => h.ip,
    assigner: TumblingEventTimeWindows.of(Time.seconds(5)),
    trigger: TumblingEventTimeWindows.of(Time.seconds(5)).getDefaultTrigger(),
    contents: new ReducingContents<Hit>(sum.reduce, sum.name, sum),
    windowFunction: new PassThroughWindowFunction<Hit, string, TimeWindow>(),
    allowedLateness: 0,
    lateDataOutputTag: undefined,
  };
  const name = 'Window(TumblingEventTimeWindows(5000), EventTimeTrigger, SumAggregator)';
  const op =
    kind === 'PaneWindowOperator'
      ? new PaneWindowOperator<Hit, string, Hit, Hit, Hit>(config, name)
      : new WindowOperator<Hit, string, TimeWindow, Hit, Hit, Hit>(config, name);
  op.setup(
    {
      operatorName: op.name,
      taskName: op.name,
      subtaskIndex: 0,
      parallelism: 1,
      maxParallelism: 128,
      attemptNumber: 0,
      clock: new ManualClock(0),
      processingTimeService: { getCurrentProcessingTime: () => 0, registerTimer: () => ({ cancel() {} }) },
      metrics: new OperatorMetrics(op.name),
      log: Object.assign(() => {}, { enabled: false, namespace: 'bench' }),
      stdout: { write() {} },
      stderr: { write() {} },
      autoWatermarkInterval: 0,
    },
    {
      collect: () => void emitted++,
      collectSide() {},
      emitWatermark() {},
      emitWatermarkStatus() {},
    },
  );
  op.initializeState({ isRestored: false, restoredCheckpointId: undefined, keyGroupRange: { start: 0, end: 127 }, keyed: new Map(), operator: [] });
  op.open();
  return op;
}

let emitted = 0;

// Keys are sliced from a longer string so that each record's key is a string of its own.
let seed = 42;
const random = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const hosts = Array.from({ length: 100 }, (_, i) => ` 10.${i}.${(i * 7) % 256}.${(i * 13) % 256}`);
const padded = Array.from({ length: 1 << 16 }, () => hosts[Math.floor(random() * hosts.length)]);

interface Round {
  readonly nsPerElement: number;
  /** Synchronous time of the snapshots taken (one per SNAPSHOT_EVERY records), ms. */
  readonly snapshotMs: number[];
}

const SNAPSHOT_EVERY = 100_000;

function round(op: Operator, n: number, base: number): Round {
  const snapshotMs: number[] = [];
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const timestamp = base + Math.floor(i / 200) * 1000;
    op.processElement({ ip: padded[i & 0xffff].slice(1), count: 1 }, timestamp);
    if (i % 40_000 === 39_999) op.processWatermark(timestamp - 1);
    if (i % SNAPSHOT_EVERY === SNAPSHOT_EVERY - 1) {
      const t = process.hrtime.bigint();
      op.snapshotState({ checkpointId: i, timestamp: 0 });
      snapshotMs.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  op.processWatermark(base + Math.floor(n / 200) * 1000 + 9_999);
  const used = process.cpuUsage(start);
  return { nsPerElement: ((used.user + used.system) * 1000) / n, snapshotMs };
}

const kinds = ['WindowOperator', 'PaneWindowOperator'] as const;
const operators = kinds.map(makeOperator);
const results = kinds.map(() => [] as Round[]);
const span = Math.floor(records / 200) * 1000 + 10_000;
operators.forEach((op) => round(op, Math.min(records, 300_000), 0));
// Alternated, so that both see the same machine load.
for (let r = 1; r <= rounds; r++) operators.forEach((op, k) => results[k].push(round(op, records, r * span)));
for (let k = 0; k < kinds.length; k++) {
  const rs = results[k];
  const pauses = rs.flatMap((x) => x.snapshotMs);
  const avg = pauses.reduce((a, b) => a + b, 0) / pauses.length;
  console.log(
    `${kinds[k]}: ${records} records per round; CPU ns per element: ${rs.map((x) => x.nsPerElement.toFixed(0)).join(', ')}; ` +
      `snapshot every ${SNAPSHOT_EVERY} records: ${avg.toFixed(2)} ms avg, ${Math.max(...pauses).toFixed(2)} ms max`,
  );
}
console.log(`${emitted} window results`);
