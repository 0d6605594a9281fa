import { parseArgs } from 'util';
import { StreamExecutionEnvironment, WatermarkStrategy } from '../../../actors';
import { Sink, SinkFunction } from '../../../lib/connectors/sink/SinkFunction';
import { WallClockSource } from './WallClockSource';

export const jobName = 'Keyed counts';

interface Event {
  readonly key: number;
  readonly count: number;
}

/** Takes every record and keeps nothing: the job's cost is its source, its exchange and its state. */
class DiscardingSink<T> implements Sink<T> {
  readonly name = 'Discarding Sink';
  createWriter(): SinkFunction<T> {
    return { invoke: () => undefined };
  }
}

/**
 * The recovery benchmark's job: records due on the wall clock (`--rate` per second from
 * `--start`, epoch ms), keyed over `--keys` keys, a running count per key (keyed state of that
 * many entries), checkpointed every `--interval` ms into `--checkpoints`, restarted at once on
 * failure.
 */
export function defineJob(env: StreamExecutionEnvironment, { args }: { readonly args: readonly string[] }): void {
  const { values } = parseArgs({
    args: [...args],
    options: {
      keys: { type: 'string', default: '10000' },
      rate: { type: 'string', default: '5000' },
      start: { type: 'string' },
      checkpoints: { type: 'string' },
      interval: { type: 'string', default: '1000' },
    },
  });
  if (values.start === undefined || values.checkpoints === undefined) throw new Error('keyedCounts needs --start EPOCH_MS and --checkpoints DIR');
  const keys = Number(values.keys);
  env.enableCheckpointing(Number(values.interval), 'EXACTLY_ONCE');
  env.getCheckpointConfig().setCheckpointStorage(values.checkpoints);
  env.setRestartStrategy({ type: 'fixed-delay', attempts: 1000, delayMs: 0 });
  env
    .fromSource(
      new WallClockSource<Event>((i) => ({ key: i % keys, count: 1 }), Number(values.start), Number(values.rate)),
      WatermarkStrategy.forMonotonousTimestamps<Event>(),
      'Events',
    )
    .uid('source')
    .keyBy((e) => e.key)
    .reduce((a, b) => ({ key: a.key, count: a.count + b.count }))
    .uid('counts')
    .sinkTo(new DiscardingSink<Event>())
    .uid('sink');
}
