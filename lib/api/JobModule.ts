import type { StreamExecutionEnvironment } from './StreamExecutionEnvironment';

/**
 * A job that TaskManager threads can define for themselves. User functions cannot cross
 * threads, so a job that runs on worker threads is a function exported by a module: the main
 * thread and every TaskManager thread load the module, call the function on an environment with
 * the same parameters and so build the same JobGraph (checked by a fingerprint). What the
 * function returns on the main thread (a CollectSink, say) is handed back to the caller.
 */
export type DefineJob<P, R = void> = (env: StreamExecutionEnvironment, params: P) => R;

export interface JobModule<P> {
  /** Absolute path of the module (`__filename`, `require.resolve('./MyJob')`). */
  readonly module: string;
  /** The name the module exports the define function under. */
  readonly exportName: string;
  /** Parameters for the define function: structured-cloneable data. */
  readonly params: P;
}

/** Loads the define function of a job module; a clear error when it is not there. */
export function loadJobDefinition<P, R>(job: JobModule<P>): DefineJob<P, R> {
  let exports: Record<string, unknown>;
  try {
    exports = require(job.module) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`cannot load job module ${job.module}: ${(e as Error).message}`);
  }
  const fn = exports[job.exportName];
  if (typeof fn !== 'function') {
    const names = Object.keys(exports).filter((k) => typeof exports[k] === 'function');
    throw new Error(
      `job module ${job.module} exports no function '${job.exportName}' (it exports: ${names.join(', ') || 'no functions'})`,
    );
  }
  return fn as DefineJob<P, R>;
}
