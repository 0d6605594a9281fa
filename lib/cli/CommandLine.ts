import { parseArgs } from 'util';
import { suggestion } from './didYouMean';

/**
 * The `brook` command line: one table of commands and their options, parsed by node's
 * `util.parseArgs` (as the samples parse theirs), with `--opt value`, `--opt=value`, `-p4`,
 * `--` before the job's own arguments, short usage errors with "did you mean", and `--help`
 * per command.
 */

export type CommandName = 'run' | 'explain' | 'list' | 'cancel' | 'savepoint' | 'stop' | 'jobmanager' | 'taskmanager' | 'cluster';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** The value's placeholder in the usage (`N`, `DIR`). */
  readonly arg?: string;
  /** A value that may be left out (`--dashboard` or `--dashboard 8082`): the next word is taken only when it matches. */
  readonly optionalValue?: RegExp;
  readonly help: string;
}

export interface CommandSpec {
  readonly synopsis: string;
  readonly summary: string;
  readonly positionals: ReadonlyArray<{ readonly name: string; readonly optional?: boolean }>;
  /** Whether words after `--` are passed to the job. */
  readonly jobArgs?: boolean;
  readonly options: Readonly<Record<string, OptionSpec>>;
}

const URL_OPTION: OptionSpec = {
  type: 'string',
  arg: 'URL',
  help: "the REST API of a brook process started with --dashboard (default: the running ones this user started, found in the temp directory, else http://127.0.0.1:8081); it must be brook's (checked on /config)",
};
const PARALLELISM: OptionSpec = { type: 'string', short: 'p', arg: 'N', help: "the job's default parallelism (what the job sets itself wins)" };
const CONFIG: OptionSpec = {
  type: 'string',
  arg: 'FILE',
  help: 'a configuration file (default: brook.config.json in this directory or the nearest one above)',
};

const HEARTBEAT_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'heartbeat-interval': { type: 'string', arg: 'MS', help: 'how often a heartbeat is sent (default 1000)' },
  'heartbeat-timeout': { type: 'string', arg: 'MS', help: 'silence after which the other side is declared lost (default 10000)' },
};

const HA_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  ha: {
    type: 'string',
    arg: 'etcd://H1:2379,H2:2379',
    help: 'high availability on etcd: the JobManagers elect their leader there, TaskManagers and clients find it there',
  },
  'cluster-id': { type: 'string', arg: 'ID', help: "with --ha: this cluster's records in etcd, apart from other clusters' (default 'default')" },
};

export const COMMANDS: Readonly<Record<CommandName, CommandSpec>> = {
  run: {
    synopsis: 'run <job file> [options] [-- job args]',
    summary: 'Runs a job file (JavaScript, ES module or TypeScript) on a local cluster in this process, or on a JobManager process.',
    positionals: [{ name: 'job file' }],
    jobArgs: true,
    options: {
      parallelism: PARALLELISM,
      jobmanager: {
        type: 'string',
        short: 'm',
        arg: 'HOST:PORT',
        help: 'submit to a JobManager process (brook jobmanager) instead; the job file must be at the same path on every host',
      },
      ...HA_OPTIONS,
      dashboard: {
        type: 'string',
        arg: 'PORT',
        optionalValue: /^\d+$/,
        help: 'serve the REST API and web dashboard on 127.0.0.1 (port 8081, or a free one when taken)',
      },
      'keep-dashboard': { type: 'boolean', help: 'with --dashboard: keep serving after the job ended, until Ctrl-C' },
      'allow-cancel': { type: 'boolean', help: 'let the dashboard and `brook cancel` cancel the job' },
      'allow-savepoint': { type: 'boolean', help: 'let the dashboard, `brook savepoint` and `brook stop` take savepoints (the job must checkpoint)' },
      'from-savepoint': { type: 'string', short: 's', arg: 'PATH', help: 'start from a savepoint or retained checkpoint directory' },
      'allow-non-restored-state': { type: 'boolean', short: 'n', help: 'with -s: skip state of operators the job no longer has' },
      config: CONFIG,
    },
  },
  explain: {
    synopsis: 'explain <job file> [options] [-- job args]',
    summary: "Prints the job's tasks, parallelism and edges (REBALANCE / HASH / FORWARD).",
    positionals: [{ name: 'job file' }],
    jobArgs: true,
    options: { parallelism: PARALLELISM, config: CONFIG },
  },
  list: {
    synopsis: 'list [--url URL]',
    summary: 'Lists the jobs of brook processes started with --dashboard.',
    positionals: [],
    options: { url: URL_OPTION },
  },
  cancel: {
    synopsis: 'cancel <job id> [--url URL]',
    summary: 'Cancels a job (its process must run with --allow-cancel).',
    positionals: [{ name: 'job id' }],
    options: { url: URL_OPTION },
  },
  savepoint: {
    synopsis: 'savepoint <job id> [target directory] [--url URL]',
    summary: "Takes a savepoint of a running job (into the job's default savepoint directory when none is given).",
    positionals: [{ name: 'job id' }, { name: 'target directory', optional: true }],
    options: { url: URL_OPTION },
  },
  stop: {
    synopsis: 'stop <job id> [--savepoint-path DIR] [--url URL]',
    summary: 'Stops a job with a savepoint: its sources stop, a last savepoint is taken, the job finishes.',
    positionals: [{ name: 'job id' }],
    options: {
      'savepoint-path': { type: 'string', arg: 'DIR', help: "where the savepoint goes (default: the job's default savepoint directory)" },
      url: URL_OPTION,
    },
  },
  jobmanager: {
    synopsis: 'jobmanager [--port PORT] [--rest-port PORT] [--ha etcd://H1:2379,… [--cluster-id ID]] [options]',
    summary:
      'Starts a JobManager process: TaskManagers register on its port, `brook run --jobmanager` submits to it. With --ha, several campaign and the leader serves.',
    positionals: [],
    options: {
      port: { type: 'string', arg: 'PORT', help: 'the port TaskManagers and clients connect to (default 6123; 0: a free one)' },
      host: { type: 'string', arg: 'ADDRESS', help: 'the address to listen on, published as the leader address with --ha (default 127.0.0.1)' },
      'rest-port': { type: 'string', arg: 'PORT', help: 'serve the REST API and dashboard on this port' },
      'slot-request-timeout': { type: 'string', arg: 'MS', help: 'how long a restarting job waits for slots before it fails (default 300000)' },
      ...HA_OPTIONS,
      'lease-ttl': { type: 'string', arg: 'S', help: "with --ha: seconds the leader's lease outlives its last renewal (default 10)" },
      ...HEARTBEAT_OPTIONS,
    },
  },
  taskmanager: {
    synopsis: 'taskmanager (--jobmanager HOST:PORT | --ha etcd://H1:2379,…) [--slots N] [options]',
    summary: "Starts a TaskManager process that offers its slots to a JobManager's port, or to the leading JobManager with --ha (following a new leader).",
    positionals: [],
    options: {
      jobmanager: { type: 'string', short: 'm', arg: 'HOST:PORT', help: "the JobManager's port (brook jobmanager --port)" },
      ...HA_OPTIONS,
      slots: { type: 'string', arg: 'N', help: 'task slots (default 1)' },
      host: { type: 'string', arg: 'ADDRESS', help: 'the address other TaskManagers reach its channels on (default 127.0.0.1)' },
      'lease-ttl': {
        type: 'string',
        arg: 'S',
        help: 'with --ha: seconds its registration outlives its last renewal before it is fenced out (default: the heartbeat timeout, rounded up)',
      },
      ...HEARTBEAT_OPTIONS,
    },
  },
  cluster: {
    synopsis: 'cluster start [-n N] [--slots N] [--port PORT] [--rest-port PORT] [--ha etcd://H1:2379,… [--job-managers N]]',
    summary: 'Starts a local cluster of processes (JobManagers and N TaskManagers) until Ctrl-C or SIGTERM.',
    positionals: [{ name: 'subcommand (start)' }],
    options: {
      'task-managers': { type: 'string', short: 'n', arg: 'N', help: 'TaskManager processes (default 1)' },
      slots: { type: 'string', arg: 'N', help: 'task slots per TaskManager (default 1)' },
      port: { type: 'string', arg: 'PORT', help: "the JobManager's port (default 6123, or a free one with --ha; 0: a free one)" },
      'rest-port': { type: 'string', arg: 'PORT', help: 'serve the REST API and dashboard on this port (the first JobManager)' },
      ...HA_OPTIONS,
      'job-managers': { type: 'string', arg: 'N', help: 'with --ha: JobManager processes campaigning for leadership (default 1)' },
      'lease-ttl': { type: 'string', arg: 'S', help: 'with --ha: the lease TTL of the JobManagers and TaskManagers (default 10)' },
      ...HEARTBEAT_OPTIONS,
    },
  },
};

const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];
const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', help: 'this help' };

export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

export type CommandLine =
  | { readonly kind: 'help'; readonly command?: CommandName }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'command';
      readonly command: CommandName;
      readonly options: OptionValues;
      readonly positionals: readonly string[];
      readonly jobArgs: readonly string[];
    };

/** Bad usage: the message is short, and names the command whose `--help` tells more. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly command?: CommandName,
  ) {
    super(message);
  }
}

export function parseCommandLine(argv: readonly string[]): CommandLine {
  const [first, ...rest] = argv;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    const about = first === 'help' ? rest[0] : undefined;
    if (about === undefined) return { kind: 'help' };
    return { kind: 'help', command: commandNamed(about) };
  }
  if (first === '--version' || first === '-v' || first === 'version') return { kind: 'version' };
  const command = commandNamed(first);
  const spec = COMMANDS[command];
  const dash = rest.indexOf('--');
  const words = dash < 0 ? rest : rest.slice(0, dash);
  const jobArgs = dash < 0 ? [] : rest.slice(dash + 1);
  if (dash >= 0 && !spec.jobArgs) throw new UsageError(`brook ${command} takes no job arguments after --`, command);

  const options: Readonly<Record<string, OptionSpec>> = { ...spec.options, help: HELP_OPTION };
  const { tokens } = parseArgs({
    args: withOptionalValues(words, options),
    options: Object.fromEntries(Object.entries(options).map(([name, o]) => [name, o.short ? { type: o.type, short: o.short } : { type: o.type }])),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, string | boolean | undefined> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const o = options[token.name];
    if (o === undefined) {
      const known = Object.keys(options).flatMap((n) => [`--${n}`, ...(options[n].short ? [`-${options[n].short}`] : [])]);
      const hint = suggestion(token.rawName, known) || (spec.jobArgs ? ` (job arguments go after --: brook ${command} <job file> -- ${token.rawName})` : '');
      throw new UsageError(`unknown option '${token.rawName}' for brook ${command}${hint}`, command);
    }
    if (o.type === 'boolean') {
      if (token.inlineValue) throw new UsageError(`option '${token.rawName}' takes no value`, command);
      values[token.name] = true;
    } else if (o.optionalValue && token.value === '') {
      values[token.name] = true;
    } else {
      // Without a value parseArgs would take the next option as one: `-p --dashboard`.
      if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) {
        throw new UsageError(`option '${token.rawName}' needs a value (${o.arg ?? 'a value'})`, command);
      }
      values[token.name] = token.value;
    }
  }
  if (values.help === true) return { kind: 'help', command };

  const required = spec.positionals.filter((p) => !p.optional).length;
  if (positionals.length < required) {
    throw new UsageError(
      `brook ${command} needs ${spec.positionals
        .slice(positionals.length)
        .filter((p) => !p.optional)
        .map((p) => `a ${p.name}`)
        .join(' and ')}`,
      command,
    );
  }
  if (positionals.length > spec.positionals.length) {
    const extra = positionals.slice(spec.positionals.length);
    const hint = spec.jobArgs ? ` (job arguments go after --: brook ${command} <job file> -- ${extra.join(' ')})` : '';
    throw new UsageError(`unexpected argument${extra.length > 1 ? 's' : ''} ${extra.map((e) => `'${e}'`).join(' ')} for brook ${command}${hint}`, command);
  }
  return { kind: 'command', command, options: values, positionals, jobArgs };
}

function commandNamed(word: string): CommandName {
  if ((COMMAND_NAMES as readonly string[]).includes(word)) return word as CommandName;
  if (word.startsWith('-')) throw new UsageError(`'${word}' before a command: options come after it (brook <command> [options])`);
  throw new UsageError(`unknown command '${word}'${suggestion(word, COMMAND_NAMES)}`);
}

/**
 * Rewrites `--dashboard` (no value) as `--dashboard=` and `--dashboard 8082` as
 * `--dashboard=8082`, so that parseArgs, which knows only required values, parses both.
 */
function withOptionalValues(words: readonly string[], options: Readonly<Record<string, OptionSpec>>): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const o = w.startsWith('--') ? options[w.slice(2)] : undefined;
    if (o?.optionalValue) {
      const next = words[i + 1];
      if (next !== undefined && o.optionalValue.test(next)) {
        out.push(`${w}=${next}`);
        i++;
      } else {
        out.push(`${w}=`);
      }
    } else {
      out.push(w);
    }
  }
  return out;
}

export function stringOption(line: { readonly options: OptionValues }, name: string): string | undefined {
  const v = line.options[name];
  return typeof v === 'string' ? v : undefined;
}

export function flagOption(line: { readonly options: OptionValues }, name: string): boolean {
  return line.options[name] === true;
}

export function positiveInteger(option: string, value: string, command?: CommandName): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${option} needs a positive integer, got '${value}'`, command);
  return n;
}

export function port(option: string, value: string, command?: CommandName): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new UsageError(`${option} needs a port 0..65535, got '${value}'`, command);
  return n;
}

export function httpUrl(option: string, value: string, command?: CommandName): string {
  if (!/^https?:\/\/[^/]/.test(value)) throw new UsageError(`${option} needs an http:// URL, got '${value}'`, command);
  return value.replace(/\/+$/, '');
}

/** The short note after a usage error. */
export function usageHint(command: CommandName | undefined): string {
  return command === undefined ? "Run 'brook --help' for the commands." : `Run 'brook ${command} --help' for its options.`;
}

/** `brook --help`: the commands, one line each. */
export function usage(): string {
  const width = Math.max(...COMMAND_NAMES.map((c) => c.length));
  return [
    'usage: brook <command> [options]',
    '',
    ...COMMAND_NAMES.map((c) => `  ${c.padEnd(width)}  ${COMMANDS[c].summary}`),
    '',
    "  brook <command> --help    a command's options",
    '  brook --version           the version of brook',
  ].join('\n');
}

/** `brook <command> --help`. */
export function commandUsage(command: CommandName): string {
  const spec = COMMANDS[command];
  const options: Readonly<Record<string, OptionSpec>> = { ...spec.options, help: HELP_OPTION };
  const rows = Object.entries(options).map(([name, o]) => {
    const value = o.type === 'string' ? (o.optionalValue ? ` [${o.arg ?? 'VALUE'}]` : ` ${o.arg ?? 'VALUE'}`) : '';
    return [`${o.short ? `-${o.short}, ` : '    '}--${name}${value}`, o.help];
  });
  const width = Math.max(...rows.map(([left]) => left.length));
  return [`usage: brook ${spec.synopsis}`, '', spec.summary, '', ...rows.map(([left, help]) => `  ${left.padEnd(width)}  ${help}`)].join('\n');
}
