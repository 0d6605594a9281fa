import { StreamExecutionEnvironment } from '../../lib';
import { FaultSpec } from '../../lib/runtime/FaultInjector';
import { awaitJob, integerFlag, recordsRead, recordsSkipped, runCommand, runMain, UsageError } from '../common/commandLine';
import { defineIpCountExactlyOnceJob } from './IpCountExactlyOnceJob';

const USAGE = `usage: npm run ipcount:eo -- --redis redis://HOST:PORT --source STREAM[,STREAM…] --sink STREAM
         --checkpoint-dir DIR [--parallelism 4] [--checkpoint-interval MS] [--stop-when-idle MS]

Counts requests per IP in 5 s event-time windows from access-log lines in Redis streams (field
"line") and appends each result once to the sink stream ("HH:mm:ss ip count"), exactly once:
killed at any moment and started again with the same arguments, it resumes from the latest
completed checkpoint in DIR. With --stop-when-idle it ends (exit 0) once no new entry arrived
for that long, after firing every window and committing every result.`;

const OPTIONS = {
  redis: { type: 'string' },
  source: { type: 'string' },
  sink: { type: 'string' },
  'checkpoint-dir': { type: 'string' },
  parallelism: { type: 'string', short: 'p', default: '4' },
  'checkpoint-interval': { type: 'string', default: '1000' },
  'stop-when-idle': { type: 'string' },
  // Test hook: a FaultSpec as JSON (repeatable), e.g. to kill the process in a commit.
  fault: { type: 'string', multiple: true },
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

    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const resumed = defineIpCountExactlyOnceJob(env, {
      redis: args.redis!,
      sourceStreams: args.source!.split(',').filter((s) => s !== ''),
      sinkStream: args.sink!,
      checkpointDir: args['checkpoint-dir']!,
      parallelism,
      checkpointIntervalMs: interval,
      stopWhenIdleMs: idle,
    });
    for (const f of args.fault ?? []) env.injectFaults(JSON.parse(f) as FaultSpec);
    process.stderr.write(resumed ? `IpCount (exactly once): resuming from ${resumed}\n` : 'IpCount (exactly once): starting fresh\n');
    return awaitJob(await env.executeAsync('Redis Window IpCount (exactly once)'), (result) => {
      const stats = result.checkpoints;
      const last = stats?.latestCompleted ? ` (last: ${stats.latestCompleted.stateSize} bytes in ${stats.latestCompleted.durationMs} ms)` : '';
      process.stderr.write(
        `IpCount (exactly once): finished; ${recordsRead(result)} lines read in this run, ${recordsSkipped(result)} malformed skipped, ` +
          `${stats?.counts.completed ?? 0} checkpoints completed${last}\n`,
      );
    });
  });
}

if (require.main === module) runMain(main);
