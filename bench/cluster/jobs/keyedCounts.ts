import fs from 'fs';
import path from 'path';
import { parseArgs } from 'util';
import { StreamExecutionEnvironment, WatermarkStrategy } from '../../../actors';
import { Sink, SinkContext, SinkFunction, SinkRuntimeContext } from '../../../lib/connectors/sink/SinkFunction';
import { WallClockSource } from './WallClockSource';

export const jobName = 'Keyed counts';

interface Event {
  readonly key: number;
  readonly count: number;
}

/**
 * Keeps no record; each writer reports how far it got: at most every 50 ms it writes
 * `<when it was created> <highest event time it took>` to `progress/subtask-<i>`, so the bench
 * sees when a restarted attempt has caught up without asking the JobManager.
 */
class ProgressSink<T> implements Sink<T> {
  readonly name = 'Progress Sink';
  constructor(private readonly dir: string) {}
  createWriter(ctx: SinkRuntimeContext): SinkFunction<T> {
    const file = path.join(this.dir, `subtask-${ctx.subtaskIndex}`);
    const createdAt = Date.now();
    let highest = -Infinity;
    let writtenAt = 0;
    return {
      invoke: (_value: T, c: SinkContext) => {
        if (c.timestamp !== undefined && c.timestamp > highest) highest = c.timestamp;
        const now = Date.now();
        if (now - writtenAt < 50) return;
        writtenAt = now;
        fs.writeFileSync(`${file}.tmp`, `${createdAt} ${highest}`);
        fs.renameSync(`${file}.tmp`, file);
      },
    };
  }
}

/**
 * The recovery benchmark's job: records due on the wall clock (`--rate` per second from
 * `--start`, epoch ms), keyed over `--keys` keys, a running count per key (keyed state of that
 * many entries), checkpointed every `--interval` ms into `--checkpoints`, restarted at once on
 * failure; its sink reports its progress in `--progress` (a directory).
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
      progress: { type: 'string' },
    },
  });
  if (values.start === undefined || values.checkpoints === undefined || values.progress === undefined)
    throw new Error('keyedCounts needs --start EPOCH_MS, --checkpoints DIR and --progress DIR');
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
    .sinkTo(new ProgressSink<Event>(values.progress))
    .uid('sink');
}
