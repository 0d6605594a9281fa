import { parseArgs, ParseArgsConfig } from 'util';
import { JobClient, JobExecutionError, JobExecutionResult, NotEnoughSlotsError } from '../../actors';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
const HELP = { help: { type: 'boolean', short: 'h' } } as const;
type ValuesOf<O extends OptionsConfig> = ReturnType<typeof parseArgs<{ args: string[]; options: O & typeof HELP }>>['values'];

/** A bad flag value, found after parsing: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/**
 * A sample's command line: parses `argv` (every command has -h/--help), then calls `run`. A
 * parse error or a UsageError prints the message and the usage and gives exit code 2; --help
 * prints the usage and gives 0. Anything else `run` throws prints its message: exit code 1.
 */
export async function runCommand<O extends OptionsConfig>(
  argv: string[],
  usage: string,
  options: O,
  run: (values: ValuesOf<O>) => Promise<number>,
): Promise<number> {
  let values: ValuesOf<O>;
  try {
    values = parseArgs({ args: argv, options: { ...options, ...HELP } }).values as ValuesOf<O>;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${usage}\n`);
    return 2;
  }
  if ((values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  try {
    return await run(values);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n${usage}\n`);
      return 2;
    }
    // A job that failed was already reported on stderr by the environment, once.
    if (!(e instanceof JobExecutionError || e instanceof NotEnoughSlotsError)) process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
}

/** An integer flag in [min, max], or a UsageError naming the flag and the bad value. */
export function integerFlag(name: string, text: string | undefined, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < min || n > max) throw new UsageError(`invalid --${name} ${text}`);
  return n;
}

/** Starts the process's main, setting its exit code (the samples' entry points). */
export function runMain(main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}

/**
 * Waits for a submitted job, cancelling it on Ctrl-C or SIGTERM. The job's result goes to
 * `onFinished`; exit code 0 when it finished, 130 when cancelled, 1 when it failed.
 */
export async function awaitJob(client: JobClient, onFinished: (result: JobExecutionResult) => void): Promise<number> {
  const stop = (): void => void client.cancel();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    onFinished(await client.getJobExecutionResult());
    return 0;
  } catch (e) {
    if (client.getJobStatus() === 'CANCELED') return 130;
    // A job that failed was already reported on stderr by the environment, once.
    if (client.getJobStatus() !== 'FAILED') process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** Records the job's source(s) emitted: the lines a log job read. */
export function recordsRead(result: JobExecutionResult): number {
  return result.vertices
    .flatMap((v) => v.operators)
    .filter((o) => o.operatorName.startsWith('Source:'))
    .reduce((n, o) => n + o.numRecordsOut, 0);
}

/** Records user functions rejected as malformed, over the whole job. */
export function recordsSkipped(result: JobExecutionResult): number {
  return result.vertices.reduce((n, v) => n + v.numRecordsSkipped, 0);
}

/** Records that event-time windows dropped because they arrived behind the watermark, over the whole job. */
export function recordsLateDropped(result: JobExecutionResult): number {
  return result.vertices.reduce((n, v) => n + v.numLateRecordsDropped, 0);
}
