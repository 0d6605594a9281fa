import path from 'path';
import { DefineJob, loadJobModule } from '../api/JobModule';
import { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment';

/** What `brook run` and `brook explain` hand a job file besides the environment. */
export interface JobFileContext {
  /** The arguments after the job file (`brook run job.js -p 4 -- --port 9999` gives ['--port', '9999']). */
  readonly args: readonly string[];
  /** Registers cleanup to run once the job has ended (a server or file the job file opened). */
  onJobEnd(cleanup: () => void | Promise<void>): void;
}

/**
 * A job file for `brook run` and `brook explain`: a job module (see JobModule) whose
 * `defineJob(env, context)` is given the job's arguments and `onJobEnd`. It may export `jobName`.
 * `-p N` sets the environment's default parallelism before `defineJob` is called; parallelism
 * the job sets itself wins, as in Flink.
 *
 * ```ts
 * export const jobName = 'Socket Window IpCount';
 * export function defineJob(env: StreamExecutionEnvironment, { args }: JobFileContext): void {
 *   env.socketTextStream('localhost', 9999).map(…).print();
 * }
 * ```
 */
export interface JobFile {
  readonly jobName?: string;
  readonly defineJob: DefineJob<JobFileContext, void | Promise<void>>;
}

/**
 * Loads a job file: CommonJS, an ES module (top-level await included) or TypeScript, compiled on
 * the fly. Errors name the file and say what it must export.
 */
export async function loadJobFile(file: string): Promise<JobFile & { readonly jobName: string }> {
  const { define, jobName } = await loadJobModule<JobFileContext, void | Promise<void>>(file);
  return { defineJob: define, jobName: jobName ?? path.basename(file).replace(/\.[cm]?[jt]s$/, '') };
}

/** Runs a job file's definition on `env`; returns the cleanups it registered. */
export async function defineFromJobFile(job: JobFile, env: StreamExecutionEnvironment, args: readonly string[]): Promise<Array<() => void | Promise<void>>> {
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
