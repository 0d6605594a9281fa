import { commandUsage, parseCommandLine, usage, UsageError } from '../../lib/cli/CommandLine';
import { didYouMean, editDistance } from '../../lib/cli/didYouMean';

function usageError(argv: readonly string[]): UsageError {
  try {
    parseCommandLine(argv);
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
}

describe('the brook command line', () => {
  it('parses options as --opt value, --opt=value, -p N and -pN, and keeps what follows -- for the job', () => {
    for (const argv of [
      ['run', 'job.js', '-p', '4', '--', '--port', '9999'],
      ['run', 'job.js', '-p4', '--', '--port', '9999'],
      ['run', '--parallelism=4', 'job.js', '--', '--port', '9999'],
      ['run', 'job.js', '--parallelism', '4', '--', '--port', '9999'],
    ]) {
      expect(parseCommandLine(argv)).toEqual({
        kind: 'command',
        command: 'run',
        options: { parallelism: '4' },
        positionals: ['job.js'],
        jobArgs: ['--port', '9999'],
      });
    }
  });

  it('takes a port after --dashboard only when one follows', () => {
    expect(parseCommandLine(['run', 'job.js', '--dashboard'])).toMatchObject({ options: { dashboard: true }, positionals: ['job.js'] });
    expect(parseCommandLine(['run', '--dashboard', 'job.js'])).toMatchObject({ options: { dashboard: true }, positionals: ['job.js'] });
    expect(parseCommandLine(['run', '--dashboard', '8082', 'job.js'])).toMatchObject({ options: { dashboard: '8082' }, positionals: ['job.js'] });
    expect(parseCommandLine(['run', 'job.js', '--dashboard=0'])).toMatchObject({ options: { dashboard: '0' } });
  });

  it('parses savepoint, stop and run -s as Flink writes them', () => {
    expect(parseCommandLine(['savepoint', 'abc', '/tmp/sp'])).toMatchObject({ command: 'savepoint', positionals: ['abc', '/tmp/sp'] });
    expect(parseCommandLine(['savepoint', 'abc'])).toMatchObject({ command: 'savepoint', positionals: ['abc'] });
    expect(parseCommandLine(['stop', 'abc', '--savepoint-path', '/tmp/sp'])).toMatchObject({ command: 'stop', options: { 'savepoint-path': '/tmp/sp' } });
    expect(parseCommandLine(['run', '-s', '/tmp/sp/savepoint-1', '-n', 'job.js'])).toMatchObject({
      options: { 'from-savepoint': '/tmp/sp/savepoint-1', 'allow-non-restored-state': true },
    });
  });

  it('answers help and version, for brook and per command', () => {
    expect(parseCommandLine([])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['--help'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['help', 'stop'])).toEqual({ kind: 'help', command: 'stop' });
    expect(parseCommandLine(['run', '--help'])).toEqual({ kind: 'help', command: 'run' });
    expect(parseCommandLine(['savepoint', '-h'])).toEqual({ kind: 'help', command: 'savepoint' });
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' });
    expect(parseCommandLine(['-v'])).toEqual({ kind: 'version' });
    expect(usage().split('\n')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^ {2}savepoint +Takes a savepoint/), expect.stringMatching(/^ {2}stop +Stops a job/)]),
    );
    expect(commandUsage('run')).toContain('-s, --from-savepoint PATH');
    expect(commandUsage('run')).toContain('    --dashboard [PORT]');
  });

  it('says what is wrong in one line, with a suggestion when a word is close to a known one', () => {
    expect(usageError(['rnu', 'job.js'])).toMatchObject({ message: "unknown command 'rnu' (did you mean run?)", command: undefined });
    expect(usageError(['frobnicate']).message).toBe("unknown command 'frobnicate'");
    expect(usageError(['run', 'job.js', '--paralelism', '2'])).toMatchObject({
      message: "unknown option '--paralelism' for brook run (did you mean --parallelism?)",
      command: 'run',
    });
    expect(usageError(['run', 'job.js', '--allow-cancle']).message).toBe("unknown option '--allow-cancle' for brook run (did you mean --allow-cancel?)");
    expect(usageError(['run', 'job.js', '-p']).message).toBe("option '-p' needs a value (N)");
    expect(usageError(['run', 'job.js', '-p', '--dashboard']).message).toBe("option '-p' needs a value (N)");
    expect(usageError(['run', 'job.js', '--allow-cancel=yes']).message).toBe("option '--allow-cancel' takes no value");
    expect(usageError(['run']).message).toBe('brook run needs a job file');
    expect(usageError(['stop']).message).toBe('brook stop needs a job id');
    expect(usageError(['run', 'job.js', '--port', '9999']).message).toBe(
      "unknown option '--port' for brook run (job arguments go after --: brook run <job file> -- --port)",
    );
    expect(usageError(['list', '--port', '1']).message).toBe("unknown option '--port' for brook list");
    expect(usageError(['run', 'job.js', 'extra']).message).toBe(
      "unexpected argument 'extra' for brook run (job arguments go after --: brook run <job file> -- extra)",
    );
    expect(usageError(['list', '--', 'x']).message).toBe('brook list takes no job arguments after --');
    expect(usageError(['-p', '2', 'run']).message).toBe("'-p' before a command: options come after it (brook <command> [options])");
  });
});

describe('did you mean', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('parallelsim', 'parallelism')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests only what is close, and the closest', () => {
    expect(didYouMean('--paralelism', ['--parallelism', '--dashboard'])).toBe('--parallelism');
    expect(didYouMean('lsit', ['list', 'run', 'stop'])).toBe('list');
    expect(didYouMean('cancle', ['cancel', 'savepoint'])).toBe('cancel');
    expect(didYouMean('deploy', ['run', 'list', 'cancel', 'stop'])).toBeUndefined();
    expect(didYouMean('sop', ['stop', 'savepoint'])).toBe('stop');
  });
});
