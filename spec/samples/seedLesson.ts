import path from 'path';

/** The input that reproduces the seed lesson's table (see samples/ipcount/seed-access.log). */
export const SEED_LOG = path.join(__dirname, '../../samples/ipcount/seed-access.log');

/** The table printed in the seed lesson, at parallelism 4, in the order the lesson shows it. */
export const SEED_TABLE: readonly string[] = [
  '1> 18:40:10 192.168.1.2 23',
  '4> 18:40:10 192.168.1.4 16',
  '4> 18:40:15 192.168.1.4 27',
  '3> 18:40:15 192.168.1.3 23',
  '1> 18:40:15 192.168.1.2 25',
  '4> 18:40:15 192.168.1.1 21',
  '1> 18:40:20 192.168.1.2 21',
  '3> 18:40:20 192.168.1.3 31',
  '4> 18:40:20 192.168.1.1 25',
  '4> 18:40:20 192.168.1.4 26',
];

/** The seed job's DAG as `explain()` draws it (the lesson's picture, as text). */
export const SEED_EXPLAIN = [
  "Job 'Socket Window IpCount': 3 tasks, 9 subtasks, 4 slots needed",
  '',
  'Task 1: Source: Socket Stream (parallelism 1)',
  '  --REBALANCE--> Task 2',
  'Task 2: Map -> Map -> Timestamps/Watermarks (parallelism 4)',
  '  --HASH--> Task 3',
  'Task 3: Window(TumblingEventTimeWindows(5000), EventTimeTrigger, SumAggregator, PassThroughWindowFunction) -> Map -> Sink: Print to Std. Out (parallelism 4)',
].join('\n');
