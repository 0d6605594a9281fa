import { ChildProcess, spawn } from 'child_process';
import path from 'path';
import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { TextWriter } from '../../lib/runtime/StreamOperator';
import { defineIpCountJob } from '../../samples/ipcount/IpCountJob';
import { LogServer } from '../../samples/logserver/LogServer';
import { SEED_LOG, SEED_TABLE } from './seedLesson';

const ROOT = path.join(__dirname, '../..');
interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(script: string, args: string[]): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', script), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Finished>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

/** Resolves with the first match of `pattern` in what the stream printed so far. */
function waitForOutput(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (d: Buffer): void => {
      text += d.toString();
      const m = pattern.exec(text);
      if (m) {
        child[stream]!.off('data', onData);
        resolve(m);
      }
    };
    child[stream]!.on('data', onData);
    child.once('close', () => reject(new Error(`process exited before printing ${pattern}: ${text}`)));
  });
}

describe('the IpCount sample against a real local socket', () => {
  it('prints the seed table from the log server and finishes when the server closes the connection', async () => {
    const server = new LogServer({ port: 0, file: SEED_LOG });
    const port = await server.start();
    const lines: string[] = [];
    const stdout: TextWriter = { write: (s) => void lines.push(...s.split('\n').filter((l) => l)) };
    const env = StreamExecutionEnvironment.createLocalEnvironment({ stdout });
    defineIpCountJob(env, { host: '127.0.0.1', port }, 4);
    const result = await env.execute('Socket Window IpCount');
    await server.close();
    expect([...lines].sort()).toEqual([...SEED_TABLE].sort());
    expect(result.vertices.map((v) => v.parallelism)).toEqual([1, 4, 4]);
    expect(result.vertices[0].numRecordsOut).toBe(238);
  });

  it('runs as the README says: logserver and ipcount in two processes, exit code 0', async () => {
    const server = run('samples/logserver/main.js', ['--port', '0', '--file', SEED_LOG]);
    const [, port] = await waitForOutput(server.child, 'stderr', /log server on 127\.0\.0\.1:(\d+)/);
    const job = await run('samples/ipcount/main.js', ['--port', port]).done;
    server.child.kill('SIGINT');
    expect(await server.done).toMatchObject({ code: 0 });
    expect(job.code).toBe(0);
    expect(job.stdout.trim().split('\n').sort()).toEqual([...SEED_TABLE].sort());
    expect(job.stderr).toContain('IpCount: 238 lines read, 0 malformed lines skipped');
  });

  it('exits 1 with the address when no log server is listening', async () => {
    const job = await run('samples/ipcount/main.js', ['--port', '1']).done;
    expect(job.code).toBe(1);
    expect(job.stderr).toMatch(/could not connect to localhost:1/);
  });

  it('explains the DAG with --explain', async () => {
    const job = await run('samples/ipcount/main.js', ['--explain']).done;
    expect(job.code).toBe(0);
    expect(job.stdout).toContain('Task 2: Map -> Map -> Timestamps/Watermarks (parallelism 4)\n  --HASH--> Task 3');
  });

  it('npm start demo: prints the DAG, and Ctrl-C stops the log server and the job cleanly', async () => {
    const demo = run('samples/ipcount/demo.js', []);
    await waitForOutput(demo.child, 'stdout', /Ctrl-C to stop/);
    demo.child.kill('SIGINT');
    const finished = await demo.done;
    expect(finished.code).toBe(0);
    expect(finished.stdout).toContain('--REBALANCE--> Task 2');
  });
});
