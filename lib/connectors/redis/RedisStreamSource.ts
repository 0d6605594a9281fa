import { Boundedness, Source, SourceReader, SourceReaderContext } from '../source/Source';
import { RedisStreamReader, StreamSplit } from './RedisStreamReader';
import { RedisStreamEntry, RedisStreamSourceOptions } from './RedisStreamSourceOptions';

export type { OnTrimmed, RedisStreamEntry, RedisStreamSourceOptions } from './RedisStreamSourceOptions';

/**
 * Reads Redis Streams (node-redis). The position of each stream, the id of the last entry
 * emitted downstream, is the reader's checkpointed state: restored, it reads on from just after
 * it, so every entry counts once. A lost or refused connection fails the reader (the job then
 * restarts from its latest checkpoint as its restart strategy allows); it is never mistaken for
 * an idle stream.
 */
export class RedisStreamSource<T = RedisStreamEntry> implements Source<T> {
  readonly name: string;
  readonly boundedness: Boundedness;
  readonly maxSourceParallelism: number;

  constructor(private readonly options: RedisStreamSourceOptions<T>) {
    if (options.streams.length === 0) throw new Error('RedisStreamSource needs at least one stream');
    if (options.onTrimmed !== undefined && options.onTrimmed !== 'fail' && options.onTrimmed !== 'earliest') {
      throw new Error(`RedisStreamSource: onTrimmed must be 'fail' or 'earliest', not '${String(options.onTrimmed)}'`);
    }
    this.name = `Redis Streams(${options.streams.join(', ')})`;
    this.maxSourceParallelism = options.streams.length;
    this.boundedness = options.stopWhenIdleMs !== undefined ? 'BOUNDED' : 'CONTINUOUS_UNBOUNDED';
  }

  createReader(context: SourceReaderContext): SourceReader<T> {
    const { streams, startFrom = '0' } = this.options;
    const restored = context.restoredSplits as readonly StreamSplit[] | undefined;
    const splits: StreamSplit[] = restored
      ? restored.map((s) => ({ stream: s.stream, lastId: s.lastId, entriesRead: s.entriesRead }))
      : streams
          .filter((_, j) => j % context.parallelism === context.subtaskIndex)
          .map((stream) => ({ stream, lastId: startFrom === '$' ? '$' : '0-0', entriesRead: undefined }));
    return new RedisStreamReader<T>(this.options, splits, context);
  }
}
