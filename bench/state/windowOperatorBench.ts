/**
 * The window operator alone, per element: IpCount's window (tumbling 5 s event-time windows,
 * a sum per IP) fed records in a loop, without source, parsing or channels. Run after a build:
 *
 *   npm run build && node dist/bench/state/windowOperatorBench.js [--records 2000000]
 *
 * Workload as in IpCount's replay: 100 keys, 200 records per second of event time, each key a
 * fresh string (as parsed from a line), a watermark every 40 000 records (about 40 windows open
 * per key, as a periodic watermark leaves them in a fast replay). Prints the CPU time per
 * element of each round (after a warm-up round).
 */
import { parseArgs } from 'util';
import { SumAggregator } from '../../lib/api/aggregation/SumAggregator';
import { Time } from '../../lib/core/Time';
import { OperatorMetrics } from '../../lib/runtime/TaskMetrics';
import { ManualClock } from '../../lib/time/ManualClock';
import { TumblingEventTimeWindows } from '../../lib/windowing/assigners/TumblingEventTimeWindows';
import { PassThroughWindowFunction } from '../../lib/windowing/functions/InternalWindowFunction';
import { ReducingContents } from '../../lib/windowing/functions/WindowContents';
import { WindowOperator } from '../../lib/windowing/WindowOperator';
import { TimeWindow } from '../../lib/windowing/windows/TimeWindow';

interface Hit {
  ip: string;
  count: number;
}

const { values: args } = parseArgs({ options: { records: { type: 'string', default: '2000000' }, rounds: { type: 'string', default: '3' } } });
const records = Number(args.records);
const rounds = Number(args.rounds);

const sum = new SumAggregator<Hit>('count');
const op = new WindowOperator<Hit, string, TimeWindow, Hit, Hit, Hit>(
  {
    keySelector: (h) => h.ip,
    assigner: TumblingEventTimeWindows.of(Time.seconds(5)),
    trigger: TumblingEventTimeWindows.of(Time.seconds(5)).getDefaultTrigger(),
    contents: new ReducingContents<Hit>(sum.reduce, sum.name, sum),
    windowFunction: new PassThroughWindowFunction<Hit, string, TimeWindow>(),
    allowedLateness: 0,
    lateDataOutputTag: undefined,
  },
  'Window(TumblingEventTimeWindows(5000), EventTimeTrigger, SumAggregator)',
);
let emitted = 0;
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

// Keys are sliced from a longer string so that each record's key is a string of its own.
let seed = 42;
const random = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const hosts = Array.from({ length: 100 }, (_, i) => ` 10.${i}.${(i * 7) % 256}.${(i * 13) % 256}`);
const padded = Array.from({ length: 1 << 16 }, () => hosts[Math.floor(random() * hosts.length)]);

let base = 0;
function round(n: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const timestamp = base + Math.floor(i / 200) * 1000;
    op.processElement({ ip: padded[i & 0xffff].slice(1), count: 1 }, timestamp);
    if (i % 40_000 === 39_999) op.processWatermark(timestamp - 1);
  }
  base += Math.floor(n / 200) * 1000 + 10_000;
  op.processWatermark(base - 1);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / n;
}

round(Math.min(records, 300_000));
const perElement = Array.from({ length: rounds }, () => round(records));
console.log(`window operator: ${records} records per round, ${emitted} window results; CPU ns per element: ${perElement.map((x) => x.toFixed(0)).join(', ')}`);
