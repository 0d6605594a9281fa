import { StreamExecutionEnvironment, Time, TumblingEventTimeWindows } from '../../actors';
import { RedisStreamSink } from '../../lib/connectors/redis/RedisStreamSink';
import { RedisStreamSource } from '../../lib/connectors/redis/RedisStreamSource';
import { IpAndCount } from '../ipcount/IpCountJob';
import { formatHms, parseHms, splitLogLine } from '../ipcount/logFormat';

export interface IpCountExactlyOnceSettings {
  readonly redis: string;
  readonly sourceStreams: readonly string[];
  readonly sinkStream: string;
  readonly checkpointDir: string;
  readonly parallelism: number;
  readonly checkpointIntervalMs: number;
  readonly stopWhenIdleMs: number | undefined;
  /** Completed checkpoints kept in the directory (default 1): more leave older ones to fall back to. */
  readonly retainedCheckpoints?: number;
  /**
   * Failures in a row the job restarts after (exponential-delay from 1 s); 0: none, the first
   * fails the job. Unset: Flink's default (exponential-delay without end).
   */
  readonly restartAttempts?: number;
}

export interface IpCountExactlyOnceParams extends IpCountExactlyOnceSettings {
  /** The checkpoint to resume from (findLatestCompletedCheckpoint), looked up once by the submitter, not by every thread. */
  readonly resumeFrom: string | undefined;
}

/**
 * The seed's IpCount, exactly once: access-log lines from Redis streams (field `line`), counts
 * per IP in tumbling 5 s event-time windows, each result appended once to a Redis stream as
 * `HH:mm:ss ip count`. Checkpoints go to a directory; started again after a crash, the job
 * resumes from `resumeFrom`, the latest completed one there: the source rewinds to its stream
 * positions, windows get their partial counts back, and the sink commits what was pending.
 * A job-module function (one params object, plain data), so that TaskManagers on worker
 * threads can define it too: `npm run ipcount:eo -- … --task-managers 2`.
 */
export function ipCountExactlyOnceJob(env: StreamExecutionEnvironment, s: IpCountExactlyOnceParams): void {
  env.setParallelism(s.parallelism);
  env.enableCheckpointing(s.checkpointIntervalMs, 'EXACTLY_ONCE');
  env.getCheckpointConfig().setCheckpointStorage(s.checkpointDir);
  if (s.retainedCheckpoints !== undefined) env.getCheckpointConfig().setNumRetainedCheckpoints(s.retainedCheckpoints);
  if (s.resumeFrom) env.setSavepointRestoreSettings({ path: s.resumeFrom });
  if (s.restartAttempts !== undefined) {
    env.setRestartStrategy(s.restartAttempts === 0 ? { type: 'none' } : { type: 'exponential-delay', attemptsBeforeResetBackoff: s.restartAttempts });
  }

  const source = new RedisStreamSource<string>({
    url: s.redis,
    streams: s.sourceStreams,
    deserialize: (e) => e.fields.line ?? '',
    stopWhenIdleMs: s.stopWhenIdleMs,
  });
  env
    .fromSource(source, undefined, 'Redis Source')
    .uid('redis-source')
    .map((line) => splitLogLine(line))
    .map((w): IpAndCount => ({ date: parseHms(w[0]), ip: w[1], count: 1 }))
    .assignAscendingTimestamps((r) => r.date.getTime())
    .keyBy('ip')
    .window(TumblingEventTimeWindows.of(Time.seconds(5)))
    .sum('count')
    .uid('ip-count-window')
    .map((a) => `${formatHms(a.date)} ${a.ip} ${a.count}`)
    .sinkTo(new RedisStreamSink<string>({ url: s.redis, stream: s.sinkStream }))
    .uid('redis-sink');
}
