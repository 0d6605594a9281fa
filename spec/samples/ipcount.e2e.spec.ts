import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { TextWriter } from '../../lib/runtime/StreamOperator';
import { defineIpCountJob } from '../../samples/ipcount/IpCountJob';
import { LogServer } from '../../samples/logserver/LogServer';
import { runScript, waitForOutput } from '../harness/processes';
import { SEED_LOG, SEED_TABLE } from './seedLesson';

const run = runScript;

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
    expect(job.stderr).toContain('IpCount: 238 lines read, 0 malformed lines skipped, 0 late records dropped');
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
    const demo = run('samples/ipcount/main.js', ['--demo']);
    await waitForOutput(demo.child, 'stdout', /Ctrl-C to stop/);
    demo.child.kill('SIGINT');
    const finished = await demo.done;
    expect(finished.code).toBe(0);
    expect(finished.stdout).toContain('--REBALANCE--> Task 2');
  });
});
