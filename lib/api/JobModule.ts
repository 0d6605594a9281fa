import fs from 'fs';
import { createJiti } from 'jiti';
import path from 'path';
import type { StreamExecutionEnvironment } from './StreamExecutionEnvironment';

/**
 * How a job is packaged, for `brook run` and for TaskManager threads alike: a JavaScript module
 * (compiled TypeScript, like the jar Flink's CLI submits) that exports a define function. The
 * function defines the job on the environment it is given — sources, transformations, sinks —
 * from its parameters, and does not call `execute`: whoever loaded it runs the job. User
 * functions cannot cross threads, so every TaskManager thread loads the module and calls the
 * function too, with the same parameters, and must build the same JobGraph (checked by a
 * fingerprint). What the function returns where the job is submitted (a CollectSink, say) is
 * handed back to the caller.
 *
 * `brook run` calls the export `defineJob` with a JobFileContext (the job's arguments and
 * `onJobEnd`); a module may also export `jobName`. A default export works too: the function
 * itself, or an object with the define function and `jobName`.
 */
export type DefineJob<P, R = void> = (env: StreamExecutionEnvironment, params: P) => R;

/** A job module to load on TaskManager threads, with the parameters of its define function. */
export interface JobModule<P> {
  /** Absolute path of the module (`__filename`, `require.resolve('./MyJob')`). */
  readonly module: string;
  /** The name the module exports the define function under. */
  readonly exportName: string;
  /** Parameters for the define function: structured-cloneable data. */
  readonly params: P;
}

/** The export `brook run` calls when none is named. */
export const DEFAULT_EXPORT_NAME = 'defineJob';

/** A job module that cannot be loaded, or exports no define function; the message says which and why. */
export class JobModuleError extends Error {
  override readonly name = 'JobModuleError';
}

export interface LoadedJobModule<P, R> {
  readonly define: DefineJob<P, R>;
  /** The module's `jobName` export, if it has one. */
  readonly jobName: string | undefined;
}

type Exports = Record<string, unknown>;

/**
 * Loads a job module's exports. CommonJS is required as it always was (synchronously, so that a
 * module loaded once is the same object everywhere). An ES module (`.mjs`, `"type": "module"`,
 * top-level await) is imported natively; TypeScript (`.ts`, `.mts`, `.cts`) is compiled on the
 * fly by jiti, so `brook run job.ts` needs no build step. Both go through jiti because this
 * package is compiled to CommonJS, where a literal `import()` would become `require()`.
 */
export async function importJobModule(module: string): Promise<Exports> {
  const resolved = path.resolve(module);
  if (!fs.existsSync(resolved)) throw new JobModuleError(`job file not found: ${module}`);
  const typeScript = TYPESCRIPT_FILE.test(resolved);
  if (!typeScript) {
    try {
      return requireModule(resolved);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw loadError(module, e);
    }
  }
  try {
    const jiti = createJiti(__filename, { tryNative: !typeScript, interopDefault: false, fsCache: false, moduleCache: true });
    return await jiti.import<Exports>(resolved);
  } catch (e) {
    throw loadError(module, e);
  }
}

/** Loads `module` (see importJobModule) and finds its define function `exportName`; errors name the module and what it exports. */
export async function loadJobModule<P, R>(module: string, exportName: string = DEFAULT_EXPORT_NAME): Promise<LoadedJobModule<P, R>> {
  return defineOf<P, R>(module, await importJobModule(module), exportName);
}

/**
 * Loads a CommonJS job module synchronously (TaskManager threads start from compiled modules:
 * the path their submitter gives as `__filename`).
 */
export function loadJobModuleSync<P, R>(module: string, exportName: string = DEFAULT_EXPORT_NAME): LoadedJobModule<P, R> {
  const resolved = path.resolve(module);
  let exports: Exports;
  try {
    exports = requireModule(resolved);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'MODULE_NOT_FOUND' && err.message.includes(resolved)) throw new JobModuleError(`job file not found: ${module}`);
    throw loadError(module, e);
  }
  return defineOf<P, R>(module, exports, exportName);
}

const TYPESCRIPT_FILE = /\.[cm]?ts$/;

function requireModule(resolved: string): Exports {
  // Loading user job files is what this module is for: their path is known only at run time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a job file's path is known only at run time
  return require(resolved) as Exports;
}

function loadError(module: string, e: unknown): JobModuleError {
  return new JobModuleError(`cannot load job file ${module}: ${e instanceof Error ? e.message : String(e)}`);
}

function defineOf<P, R>(module: string, exports: Exports, exportName: string): LoadedJobModule<P, R> {
  const found = findDefine(exports, exportName);
  if (!found) {
    const names = Object.keys(exports);
    throw new JobModuleError(
      `${module} exports no function '${exportName}' (it exports: ${names.length > 0 ? names.join(', ') : 'nothing'}); ` +
        `a job file exports ${exportName}(env, params), or a default function`,
    );
  }
  return found as LoadedJobModule<P, R>;
}

/** The define function of a job module to run on TaskManager threads. */
export function loadJobDefinition<P, R>(job: JobModule<P>): DefineJob<P, R> {
  return loadJobModuleSync<P, R>(job.module, job.exportName).define;
}

function findDefine(e: Exports, exportName: string): LoadedJobModule<unknown, unknown> | undefined {
  const jobName = typeof e.jobName === 'string' ? e.jobName : undefined;
  const named = e[exportName];
  if (typeof named === 'function') return { define: named as DefineJob<unknown, unknown>, jobName };
  const d = e.default;
  if (typeof d === 'function') return { define: d as DefineJob<unknown, unknown>, jobName };
  if (d !== null && typeof d === 'object') return findDefine(d as Exports, exportName);
  return undefined;
}
