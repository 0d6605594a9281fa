import path from 'path';
import { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment';

/** What `brook run` and `brook explain` hand a job file besides the environment. */
export interface JobFileContext {
  /** The arguments after the job file (`brook run job.js -p 4 -- --port 9999` gives ['--port', '9999']). */
  readonly args: readonly string[];
  /** Registers cleanup to run once the job has ended (a server or file the job file opened). */
  onJobEnd(cleanup: () => void | Promise<void>): void;
}

/**
 * A job file: a JavaScript module (compiled TypeScript, like the jar Flink's CLI submits) that
 * exports `defineJob(env, context)`, which defines the job on the environment — sources,
 * transformations, sinks — and does not call `execute`: the CLI runs it. It may export
 * `jobName`. `-p N` sets the environment's default parallelism before `defineJob` is called;
 * parallelism the job sets itself wins, as in Flink.
 *
 * ```ts
 * export const jobName = 'Socket Window IpCount';
 * export function defineJob(env: StreamExecutionEnvironment, { args }: JobFileContext): void {
 *   env.socketTextStream('localhost', 9999).map(…).print();
 * }
 * ```
 * A default export works too: the function itself, or an object with `defineJob` and `jobName`.
 */
export interface JobFile {
  readonly jobName?: string;
  defineJob(env: StreamExecutionEnvironment, context: JobFileContext): void | Promise<void>;
}

export class JobFileError extends Error {}

type Exports = Record<string, unknown>;

function fromExports(e: Exports, file: string): JobFile | undefined {
  const named = e.defineJob;
  const name = typeof e.jobName === 'string' ? e.jobName : undefined;
  if (typeof named === 'function') return { jobName: name, defineJob: named as JobFile['defineJob'] };
  const d = e.default;
  if (typeof d === 'function') return { jobName: name, defineJob: d as JobFile['defineJob'] };
  if (d !== null && typeof d === 'object') return fromExports(d as Exports, file);
  return undefined;
}

/** Loads a job file; errors name the file and say what it must export. */
export function loadJobFile(file: string): JobFile & { readonly jobName: string } {
  const resolved = path.resolve(file);
  if (/\.(c|m)?ts$/.test(resolved)) {
    throw new JobFileError(`${file} is TypeScript: compile it first (npm run build) and pass the .js file, e.g. dist/${file.replace(/\.(c|m)?ts$/, '.js')}`);
  }
  let exports: Exports;
  try {
    exports = require(resolved) as Exports;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'MODULE_NOT_FOUND' && err.message.includes(resolved)) throw new JobFileError(`job file not found: ${file}`);
    throw new JobFileError(`cannot load job file ${file}: ${err.message}`);
  }
  const job = fromExports(exports, file);
  if (!job) {
    const names = Object.keys(exports);
    throw new JobFileError(
      `${file} exports no defineJob(env, context) function (it exports ${names.length > 0 ? names.join(', ') : 'nothing'}); ` +
        'a job file exports defineJob, or a default function',
    );
  }
  return { defineJob: job.defineJob, jobName: job.jobName ?? path.basename(resolved).replace(/\.[cm]?js$/, '') };
}

/** Runs a job file's definition on `env`; returns the cleanups it registered. */
export async function defineFromJobFile(
  job: JobFile,
  env: StreamExecutionEnvironment,
  args: readonly string[],
): Promise<Array<() => void | Promise<void>>> {
  const cleanups: Array<() => void | Promise<void>> = [];
  try {
    await job.defineJob(env, { args, onJobEnd: (c) => void cleanups.push(c) });
  } catch (e) {
    await runCleanups(cleanups);
    throw e;
  }
  return cleanups;
}

export async function runCleanups(cleanups: ReadonlyArray<() => void | Promise<void>>): Promise<void> {
  for (const c of [...cleanups].reverse()) {
    try {
      await c();
    } catch {
      // a failing cleanup must not hide the job's own outcome
    }
  }
}
