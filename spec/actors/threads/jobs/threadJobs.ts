import { isMainThread } from 'worker_threads';
import { StreamExecutionEnvironment } from '../../../../lib/api/StreamExecutionEnvironment';
import { CollectSink } from '../../../../lib/connectors/sink/CollectSink';
import { InputStatus, ReaderOutput, Source } from '../../../../lib/connectors/source/Source';
import { MalformedRecordError } from '../../../../lib/runtime/errors';
import { Time } from '../../../../lib/core/Time';
import { WatermarkStrategy } from '../../../../lib/time/WatermarkStrategy';
import { TumblingEventTimeWindows } from '../../../../lib/windowing/assigners/TumblingEventTimeWindows';

/** Job modules for the TaskManager-thread tests: each worker thread loads this file. */

export interface CountParams {
  readonly events: number;
  readonly parallelism: number;
}

/** Keyed event-time windows over generated events, into a CollectSink the caller reads. */
export function defineWindowedCount(env: StreamExecutionEnvironment, params: CountParams): { sink: CollectSink<string> } {
  const sink = new CollectSink<string>();
  env.setParallelism(params.parallelism);
  env
    .fromGenerator((i) => ({ key: `k${i % 13}`, time: i * 10, value: i }), params.events)
    .assignTimestampsAndWatermarks(
      WatermarkStrategy.forMonotonousTimestamps<{ key: string; time: number; value: number }>().withTimestampAssigner((e) => e.time),
    )
    .keyBy('key')
    .window(TumblingEventTimeWindows.of(Time.seconds(1)))
    .sum('value')
    .map((r) => `${r.key} ${Math.floor(r.time / 1000)} ${r.value}`)
    .sinkTo(sink);
  return { sink };
}

/** Defines a different graph on worker threads than on the main thread: must be refused. */
export function defineThreadDependentJob(env: StreamExecutionEnvironment): void {
  env.setParallelism(isMainThread ? 2 : 1);
  env.fromSequence(1, 10).print();
}

/** A user function that fails on one record, and one that skips a malformed record. */
export function defineFailingJob(env: StreamExecutionEnvironment, params: { failOn: number }): void {
  env.setParallelism(2);
  env
    .fromSequence(1, 100)
    .rebalance()
    .map((x) => {
      if (x === params.failOn) throw new Error(`cannot handle ${x}`);
      if (x === 3) throw new MalformedRecordError('three is malformed');
      return x;
    })
    .print();
}

/** One record ('started', printed) per subtask, then nothing, never ending: a job that only a cancel ends. */
export function defineEndlessJob(env: StreamExecutionEnvironment, params: { parallelism: number }): void {
  env.setParallelism(params.parallelism);
  const endless: Source<string> = {
    name: 'Endless Source',
    boundedness: 'CONTINUOUS_UNBOUNDED',
    createReader: () => {
      let emitted = false;
      return {
        start: () => undefined,
        pollNext: (output: ReaderOutput<string>): InputStatus => {
          if (!emitted) output.collect('started');
          emitted = true;
          return 'NOTHING_AVAILABLE';
        },
        snapshotState: () => [],
        close: () => undefined,
      };
    },
  };
  env.fromSource(endless, undefined, 'Endless').print();
}
