import fs from 'fs';
import path from 'path';
import { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment';
import { CheckpointingMode } from '../runtime/checkpoint/CheckpointBarrier';
import { RestartStrategyConfig } from '../runtime/restart/RestartStrategy';
import { suggestion } from './didYouMean';

/** The name `brook run` and `brook explain` look for, in the working directory and above it. */
export const CONFIG_FILE_NAME = 'brook.config.json';

/**
 * Defaults for the jobs `brook run` starts, as Flink's config.yaml holds them for a cluster.
 * Flags override the file; what a job file sets itself overrides both, as in Flink.
 */
export interface BrookConfig {
  /** The default parallelism (Flink's parallelism.default); `-p` overrides it. */
  readonly parallelism?: number;
  /** The REST API and dashboard, when `--dashboard` is given (rest.port, rest.address). */
  readonly rest?: { readonly port?: number; readonly address?: string };
  readonly checkpoints?: {
    /** Checkpoint every this many ms (execution.checkpointing.interval). */
    readonly interval?: number;
    readonly mode?: CheckpointingMode;
    /** Where checkpoints go (state.checkpoints.dir); in memory when left out. */
    readonly directory?: string;
    /** Completed checkpoints kept (state.checkpoints.num-retained). */
    readonly retained?: number;
  };
  readonly savepoints?: { readonly directory?: string };
  readonly restartStrategy?: RestartStrategyConfig;
}

/** A configuration file that cannot be used; the message names the file and the key. */
export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError';
}

/** The nearest brook.config.json in `cwd` or a directory above it, as other Node tools find theirs. */
export function findConfigFile(cwd: string): string | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const file = path.join(dir, CONFIG_FILE_NAME);
    if (fs.existsSync(file)) return file;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Reads and checks a configuration file: unknown keys and wrong types are errors, with a suggestion. */
export function readConfigFile(file: string): BrookConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigFileError(`cannot read configuration file ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigFileError(`${file} is not JSON: ${(e as Error).message}`);
  }
  return checkConfig(json, file);
}

type Checker = (value: unknown, where: string) => unknown;

const positiveInteger: Checker = (v, where) => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new Error(`${where} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
};
const nonNegative: Checker = (v, where) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${where} must be a number ≥ 0, got ${JSON.stringify(v)}`);
  return v;
};
const port: Checker = (v, where) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) throw new Error(`${where} must be a port 0..65535, got ${JSON.stringify(v)}`);
  return v;
};
const text: Checker = (v, where) => {
  if (typeof v !== 'string' || v === '') throw new Error(`${where} must be a non-empty string, got ${JSON.stringify(v)}`);
  return v;
};
const oneOf =
  (...choices: readonly string[]): Checker =>
  (v, where) => {
    if (typeof v !== 'string' || !choices.includes(v)) {
      throw new Error(
        `${where} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${JSON.stringify(v)}${typeof v === 'string' ? suggestion(v, choices) : ''}`,
      );
    }
    return v;
  };
const object =
  (fields: Readonly<Record<string, Checker>>): Checker =>
  (v, where) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${where} must be an object, got ${JSON.stringify(v)}`);
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(v)) {
      const field = fields[key];
      const at = where === '' ? key : `${where}.${key}`;
      if (!field) throw new Error(`unknown key '${at}'${suggestion(key, Object.keys(fields))}`);
      out[key] = field(value, at);
    }
    return out;
  };

const RESTART_FIELDS: Readonly<Record<RestartStrategyConfig['type'], Readonly<Record<string, Checker>>>> = {
  none: {},
  'fixed-delay': { attempts: positiveInteger, delayMs: nonNegative },
  'failure-rate': { maxFailuresPerInterval: positiveInteger, failureRateIntervalMs: nonNegative, delayMs: nonNegative },
  'exponential-delay': {
    initialBackoffMs: nonNegative,
    maxBackoffMs: nonNegative,
    backoffMultiplier: nonNegative,
    resetBackoffThresholdMs: nonNegative,
    jitterFactor: nonNegative,
    attemptsBeforeResetBackoff: positiveInteger,
  },
};

const restartStrategy: Checker = (v, where) => {
  const type = (v as { type?: unknown } | null)?.type;
  const kind = oneOf(...Object.keys(RESTART_FIELDS))(type, `${where}.type`) as RestartStrategyConfig['type'];
  return object({ type: () => kind, ...RESTART_FIELDS[kind] })(v, where);
};

const CONFIG = object({
  parallelism: positiveInteger,
  rest: object({ port, address: text }),
  checkpoints: object({ interval: positiveInteger, mode: oneOf('EXACTLY_ONCE', 'AT_LEAST_ONCE'), directory: text, retained: positiveInteger }),
  savepoints: object({ directory: text }),
  restartStrategy,
});

function checkConfig(json: unknown, file: string): BrookConfig {
  try {
    return CONFIG(json, '') as BrookConfig;
  } catch (e) {
    throw new ConfigFileError(`${file}: ${(e as Error).message}`);
  }
}

/**
 * Puts the file's job defaults on an environment before the job file defines the job, so what
 * the job sets itself wins. Relative directories are relative to the file. The parallelism is
 * not set here: it is the environment's default, given where the environment is made, where
 * `-p` overrides it.
 */
export function applyConfig(env: StreamExecutionEnvironment, config: BrookConfig, file: string): void {
  const dir = path.dirname(file);
  const c = config.checkpoints;
  if (c?.interval !== undefined) env.enableCheckpointing(c.interval, c.mode ?? 'EXACTLY_ONCE');
  else if (c?.mode !== undefined) env.getCheckpointConfig().setCheckpointingMode(c.mode);
  if (c?.directory !== undefined) env.getCheckpointConfig().setCheckpointStorage(path.resolve(dir, c.directory));
  if (c?.retained !== undefined) env.getCheckpointConfig().setNumRetainedCheckpoints(c.retained);
  if (config.savepoints?.directory !== undefined) env.getCheckpointConfig().setDefaultSavepointDirectory(path.resolve(dir, config.savepoints.directory));
  if (config.restartStrategy !== undefined) env.setRestartStrategy(config.restartStrategy);
}
