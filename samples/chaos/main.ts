import { integerFlag, runCommand, runMain, UsageError } from '../common/commandLine';
import { parseFaultKinds } from './FaultPlan';
import { runChaos, TaskManagerChoice } from './runChaos';

const USAGE = `usage: npm run chaos -- [--rounds 1] [--seed 1] [--faults all|none|KIND,…] [--faults-per-round 8]
         [--lines 4000] [--produce-ms 15000] [--task-managers 1|2|alternate] [--work-dir DIR]

Runs the exactly-once IpCount sample (npm run ipcount:eo) at parallelism 4 against a
redis-server it starts on a free 127.0.0.1 port (append-only file, fsync on every write), while
seeded faults hit it: KIND is job-kill (SIGKILL of the job), redis-kill (SIGKILL of Redis,
restarted after a pause), disk-full (the checkpoint disk full for a while) or
corrupt-checkpoint (bytes flipped in the newest checkpoint while the job is down). Each round
produces a seeded input into 4 source streams, lets a last run finish, and compares the sink
stream with counts computed from the input, per (5 s window, ip): lost, doubled, wrong.
Exit code 1 when any round differs or could not finish.`;

const OPTIONS = {
  rounds: { type: 'string', default: '1' },
  seed: { type: 'string', default: '1' },
  faults: { type: 'string', default: 'all' },
  'faults-per-round': { type: 'string', default: '8' },
  lines: { type: 'string', default: '4000' },
  'produce-ms': { type: 'string', default: '15000' },
  'task-managers': { type: 'string', default: '1' },
  'work-dir': { type: 'string' },
} as const;

export function main(argv: string[]): Promise<number> {
  return runCommand(argv, USAGE, OPTIONS, async (args) => {
    let kinds;
    try {
      kinds = parseFaultKinds(args.faults!);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const tm = args['task-managers']!;
    const taskManagers: TaskManagerChoice = tm === 'alternate' ? 'alternate' : integerFlag('task-managers', tm, 1, 16);
    const summary = await runChaos(
      {
        rounds: integerFlag('rounds', args.rounds, 1, 10_000),
        seed: integerFlag('seed', args.seed, 0, 0xffffffff),
        kinds,
        faultsPerRound: integerFlag('faults-per-round', args['faults-per-round'], 0, 1000),
        lines: integerFlag('lines', args.lines, 4, 10_000_000),
        produceMs: integerFlag('produce-ms', args['produce-ms'], 100, 3_600_000),
        taskManagers,
        workDirectory: args['work-dir'],
      },
      (line) => process.stdout.write(`${line}\n`),
    );
    return summary.passed ? 0 : 1;
  });
}

if (require.main === module) runMain(main);
