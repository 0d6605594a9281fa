import { JobExecutionResult, StreamExecutionEnvironment } from '../../actors';
import { executeOnTaskManagerThreadsAsync } from '../../lib/api/executeOnTaskManagerThreads';
import { findLatestCompletedCheckpoint } from '../../lib/runtime/checkpoint/CheckpointStorage';
import { awaitJob, integerFlag, recordsRead, recordsSkipped, runCommand, runMain, UsageError } from '../common/commandLine';
import { IpCountExactlyOnceParams, ipCountExactlyOnceJob } from './IpCountExactlyOnceJob';

const JOB_NAME = 'Redis Window IpCount (exactly once)';

const USAGE = `usage: npm run ipcount:eo -- --redis redis://HOST:PORT --source STREAM[,STREAM…] --sink STREAM
         --checkpoint-dir DIR [--parallelism 4] [--checkpoint-interval MS] [--stop-when-idle MS]
         [--task-managers N] [--retained-checkpoints 1] [--restart-attempts 5]

Counts requests per IP in 5 s event-time windows from access-log lines in Redis streams (field
"line") and appends each result once to the sink stream ("HH:mm:ss ip count"), exactly once:
killed at any moment and started again with the same arguments, it resumes from the latest
completed checkpoint in DIR. With --stop-when-idle it ends (exit 0) once Redis answered that no
new entry arrived for that long, after firing every window and committing every result; time
Redis cannot be reached does not count. A failure (Redis down, say) is printed and the job
restarts from its latest checkpoint, waiting longer each time (1 s, 1.5 s, 2.25 s, ...); after
--restart-attempts failures in a row it gives up (exit 1); 0 gives up at the first. With --task-managers N
the job runs on N TaskManagers, each on its own worker thread (checkpoints are coordinated
on the main thread). --retained-checkpoints keeps that many completed checkpoints in DIR
(older ones to fall back to).`;

const OPTIONS = {
  redis: { type: 'string' },
  source: { type: 'string' },
  sink: { type: 'string' },
  'checkpoint-dir': { type: 'string' },
  parallelism: { type: 'string', short: 'p', default: '4' },
  'checkpoint-interval': { type: 'string', default: '1000' },
  'stop-when-idle': { type: 'string' },
  'task-managers': { type: 'string' },
  'retained-checkpoints': { type: 'string', default: '1' },
  'restart-attempts': { type: 'string', default: '5' },
} as const;

export function main(argv: string[]): Promise<number> {
  return runCommand(argv, USAGE, OPTIONS, async (args) => {
    const missing = (['redis', 'source', 'sink', 'checkpoint-dir'] as const).filter((k) => !args[k]);
    if (missing.length > 0) throw new UsageError(`missing ${missing.map((m) => `--${m}`).join(', ')}`);
    const parallelism = integerFlag('parallelism', args.parallelism);
    const interval = Number(args['checkpoint-interval']);
    if (!Number.isFinite(interval) || interval < 10) {
      throw new UsageError(`invalid --checkpoint-interval ${args['checkpoint-interval']} (at least 10 ms)`);
    }
    const idle = args['stop-when-idle'] === undefined ? undefined : Number(args['stop-when-idle']);
    if (idle !== undefined && !(idle > 0)) throw new UsageError(`invalid --stop-when-idle ${args['stop-when-idle']}`);

    const checkpointDir = args['checkpoint-dir']!;
    const resumeFrom = findLatestCompletedCheckpoint(checkpointDir);
    const params: IpCountExactlyOnceParams = {
      redis: args.redis!,
      sourceStreams: args.source!.split(',').filter((s) => s !== ''),
      sinkStream: args.sink!,
      checkpointDir,
      parallelism,
      checkpointIntervalMs: interval,
      stopWhenIdleMs: idle,
      retainedCheckpoints: integerFlag('retained-checkpoints', args['retained-checkpoints']),
      restartAttempts: integerFlag('restart-attempts', args['restart-attempts'], 0),
      resumeFrom,
    };
    const summary = (result: JobExecutionResult): void => {
      const stats = result.checkpoints;
      const last = stats?.latestCompleted ? ` (last: ${stats.latestCompleted.stateSize} bytes in ${stats.latestCompleted.durationMs} ms)` : '';
      process.stderr.write(
        `IpCount (exactly once): finished; ${recordsRead(result)} lines read in this run, ${recordsSkipped(result)} malformed skipped, ` +
          `${stats?.counts.completed ?? 0} checkpoints completed${last}\n`,
      );
    };
    const taskManagers = args['task-managers'] === undefined ? undefined : integerFlag('task-managers', args['task-managers']);
    process.stderr.write(
      `IpCount (exactly once): ${resumeFrom ? `resuming from ${resumeFrom}` : 'starting fresh'}` +
        `${taskManagers === undefined ? '' : ` on ${taskManagers} TaskManager thread(s)`}\n`,
    );
    if (taskManagers !== undefined) {
      const { client } = await executeOnTaskManagerThreadsAsync(
        ipCountExactlyOnceJob,
        { module: require.resolve('./IpCountExactlyOnceJob'), params },
        { numberOfTaskManagers: taskManagers, jobName: JOB_NAME },
      );
      return awaitJob(client, summary);
    }
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    ipCountExactlyOnceJob(env, params);
    return awaitJob(await env.executeAsync(JOB_NAME), summary);
  });
}

if (require.main === module) runMain(main);
