import { parseArgs } from 'util';
import { StreamExecutionEnvironment } from '../../lib';
import { FaultSpec } from '../../lib/runtime/FaultInjector';
import { defineIpCountExactlyOnceJob } from './IpCountExactlyOnceJob';

const USAGE = `usage: npm run ipcount:eo -- --redis redis://HOST:PORT --source STREAM[,STREAM…] --sink STREAM
         --checkpoint-dir DIR [--parallelism 4] [--checkpoint-interval MS] [--stop-when-idle MS]

Counts requests per IP in 5 s event-time windows from access-log lines in Redis streams (field
"line") and appends each result once to the sink stream ("HH:mm:ss ip count"), exactly once:
killed at any moment and started again with the same arguments, it resumes from the latest
completed checkpoint in DIR. With --stop-when-idle it ends (exit 0) once no new entry arrived
for that long, after firing every window and committing every result.`;

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        redis: { type: 'string' },
        source: { type: 'string' },
        sink: { type: 'string' },
        'checkpoint-dir': { type: 'string' },
        parallelism: { type: 'string', short: 'p', default: '4' },
        'checkpoint-interval': { type: 'string', default: '1000' },
        'stop-when-idle': { type: 'string' },
        // Test hook: a FaultSpec as JSON (repeatable), e.g. to kill the process in a commit.
        fault: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const missing = (['redis', 'source', 'sink', 'checkpoint-dir'] as const).filter((k) => !args[k]);
  if (missing.length > 0) {
    process.stderr.write(`missing ${missing.map((m) => `--${m}`).join(', ')}\n${USAGE}\n`);
    return 2;
  }
  const parallelism = Number(args.parallelism);
  const interval = Number(args['checkpoint-interval']);
  const idle = args['stop-when-idle'] === undefined ? undefined : Number(args['stop-when-idle']);
  if (!Number.isInteger(parallelism) || parallelism < 1) return usageError(`invalid --parallelism ${args.parallelism}`);
  if (!Number.isFinite(interval) || interval < 10) return usageError(`invalid --checkpoint-interval ${args['checkpoint-interval']} (at least 10 ms)`);
  if (idle !== undefined && !(idle > 0)) return usageError(`invalid --stop-when-idle ${args['stop-when-idle']}`);

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
  const client = await env.executeAsync('Redis Window IpCount (exactly once)');
  const stop = (): void => void client.cancel();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const result = await client.getJobExecutionResult();
    const stats = result.checkpoints;
    const read = result.vertices.flatMap((v) => v.operators).find((o) => o.operatorName.startsWith('Source:'))?.numRecordsOut ?? 0;
    const skipped = result.vertices.reduce((n, v) => n + v.numRecordsSkipped, 0);
    process.stderr.write(
      `IpCount (exactly once): finished; ${read} lines read in this run, ${skipped} malformed skipped, ` +
        `${stats?.counts.completed ?? 0} checkpoints completed${stats?.latestCompleted ? ` (last: ${stats.latestCompleted.stateSize} bytes in ${stats.latestCompleted.durationMs} ms)` : ''}\n`,
    );
    return 0;
  } catch (e) {
    if (client.getJobStatus() === 'CANCELED') return 130;
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
}

function usageError(message: string): number {
  process.stderr.write(`${message}\n${USAGE}\n`);
  return 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
