import { EventEmitter } from 'events';
import { commandUsage, parseCommandLine, usage, UsageError } from '../../lib/cli/CommandLine';
import { brook } from '../../lib/cli/commands';
import { taskManagerLeaseTtlSeconds } from '../../lib/cli/processCommands';

function usageError(argv: readonly string[]): UsageError {
  try {
    parseCommandLine(argv);
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
}

/** Runs the brook command without starting anything: these lines fail before they would. */
async function run(...argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await brook(
    argv,
    { stdout: { write: () => undefined }, stderr: { write: (s: string) => (stderr += s) } as never },
    { signals: new EventEmitter() },
  );
  return { code, stderr };
}

describe('the cluster commands on the command line', () => {
  it('parses jobmanager, taskmanager, run --jobmanager and cluster start as the issue writes them', () => {
    expect(parseCommandLine(['jobmanager', '--port', '6123', '--rest-port', '8081'])).toMatchObject({
      command: 'jobmanager',
      options: { port: '6123', 'rest-port': '8081' },
    });
    expect(parseCommandLine(['taskmanager', '--jobmanager', 'host:6123', '--slots', '4'])).toMatchObject({
      command: 'taskmanager',
      options: { jobmanager: 'host:6123', slots: '4' },
    });
    expect(parseCommandLine(['run', '--jobmanager', 'host:6123', 'job.js', '-p', '8', '--', '--job-args'])).toEqual({
      kind: 'command',
      command: 'run',
      options: { jobmanager: 'host:6123', parallelism: '8' },
      positionals: ['job.js'],
      jobArgs: ['--job-args'],
    });
    expect(parseCommandLine(['cluster', 'start', '-n', '2', '--slots', '2'])).toMatchObject({
      command: 'cluster',
      options: { 'task-managers': '2', slots: '2' },
      positionals: ['start'],
    });
  });

  it('lists them in the help, each with its options, and suggests them when misspelt', () => {
    expect(usage().split('\n')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}jobmanager +Starts a JobManager process/),
        expect.stringMatching(/^ {2}taskmanager +Starts a TaskManager process/),
        expect.stringMatching(/^ {2}cluster +Starts a local cluster of processes/),
      ]),
    );
    expect(parseCommandLine(['taskmanager', '--help'])).toEqual({ kind: 'help', command: 'taskmanager' });
    expect(commandUsage('taskmanager')).toContain('-m, --jobmanager HOST:PORT');
    expect(commandUsage('cluster')).toContain('-n, --task-managers N');
    expect(commandUsage('jobmanager')).toContain('--heartbeat-timeout MS');
    expect(usageError(['taskmanger']).message).toBe("unknown command 'taskmanger' (did you mean taskmanager?)");
    expect(usageError(['taskmanager', '--slot', '2']).message).toBe("unknown option '--slot' for brook taskmanager (did you mean --slots?)");
    expect(usageError(['cluster']).message).toBe('brook cluster needs a subcommand (start)');
  });

  it('refuses what cannot work before starting anything', async () => {
    expect(await run('taskmanager', '--slots', '2')).toEqual({
      code: 2,
      stderr: "brook: brook taskmanager needs --jobmanager HOST:PORT\nRun 'brook taskmanager --help' for its options.\n",
    });
    expect((await run('taskmanager', '--jobmanager', 'nowhere')).stderr).toContain("--jobmanager: 'nowhere' is not host:port");
    expect((await run('taskmanager', '--jobmanager', ':1', '--slots', '0')).stderr).toContain("--slots needs a positive integer, got '0'");
    expect((await run('jobmanager', '--heartbeat-interval', '500', '--heartbeat-timeout', '500')).stderr).toContain(
      '--heartbeat-timeout must exceed --heartbeat-interval',
    );
    expect((await run('cluster', 'stop')).stderr).toContain("brook cluster knows one action, start (got 'stop')");
    expect((await run('run', '--jobmanager', 'h:1', 'job.js', '--dashboard')).stderr).toContain('--dashboard serves a job run in this process');
  });

  it('takes --ha etcd://… and --cluster-id, and refuses what cannot work with them before connecting', async () => {
    expect(parseCommandLine(['jobmanager', '--ha', 'etcd://h1:2379,h2:2379,h3:2379', '--cluster-id', 'prod'])).toMatchObject({
      options: { ha: 'etcd://h1:2379,h2:2379,h3:2379', 'cluster-id': 'prod' },
    });
    expect((await run('jobmanager', '--ha', 'http://h1:2379')).stderr).toContain("--ha: expected etcd://HOST:PORT[,HOST:PORT…], got 'http://h1:2379'");
    expect((await run('jobmanager', '--cluster-id', 'prod')).stderr).toContain('--cluster-id needs --ha');
    expect((await run('jobmanager', '--ha', 'etcd://h:1', '--cluster-id', 'a/b')).stderr).toContain("--cluster-id: letters, digits, '.', '_' and '-' only");
    expect((await run('jobmanager', '--ha', 'etcd://h:1', '--lease-ttl', '0')).stderr).toContain("--lease-ttl needs a positive integer, got '0'");
    expect((await run('jobmanager', '--ha', 'etcd://h:1', '--host', '0.0.0.0')).stderr).toContain('--host 0.0.0.0 with --ha: the leader publishes its --host');
    expect((await run('taskmanager', '--ha', 'etcd://h:1', '--jobmanager', 'h:1')).stderr).toContain('--jobmanager or --ha, not both');
    expect((await run('run', '--ha', 'etcd://h:1', '--jobmanager', 'h:1', 'job.js')).stderr).toContain('--jobmanager or --ha, not both');
    expect((await run('taskmanager', '--jobmanager', 'h:1', '--lease-ttl', '5')).stderr).toContain('--lease-ttl needs --ha');
    expect((await run('taskmanager', '--ha', 'etcd://h:1', '--lease-ttl', '0')).stderr).toContain("--lease-ttl needs a positive integer, got '0'");
    expect((await run('cluster', 'start', '--job-managers', '2')).stderr).toContain('--job-managers needs --ha');
    expect((await run('cluster', 'start', '--ha', 'etcd://h:1', '--job-managers', '0')).stderr).toContain("--job-managers needs a positive integer, got '0'");
    expect(parseCommandLine(['cluster', 'start', '--ha', 'etcd://h:1', '--job-managers', '2', '-n', '3', '--slots', '2'])).toMatchObject({
      options: { ha: 'etcd://h:1', 'job-managers': '2', 'task-managers': '3', slots: '2' },
    });
  });

  it("gives a TaskManager's lease the heartbeat timeout, in whole seconds, unless --lease-ttl says", () => {
    expect(taskManagerLeaseTtlSeconds({ intervalMs: 1000, timeoutMs: 10_000 })).toBe(10);
    expect(taskManagerLeaseTtlSeconds({ intervalMs: 200, timeoutMs: 2500 })).toBe(3);
  });
});
