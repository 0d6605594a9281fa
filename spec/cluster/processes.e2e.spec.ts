import { ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { findLatestCompletedCheckpoint } from '../../lib/runtime/checkpoint/CheckpointStorage';
import { TaskManagersBody } from '../../lib/rest/RestTypes';
import { getJson } from '../harness/httpGet';
import { ROOT, runScript, waitForOutput } from '../harness/processes';
import { expectedLines, KEYS } from '../harness/windowedCounts';
import { committedLines } from '../harness/fileSinkOutput';
import { eventually } from '../harness/eventually';

/**
 * A JobManager and two TaskManagers as OS processes on 127.0.0.1 (the built `brook` command,
 * random ports), running a keyed windowed job submitted with `brook run --jobmanager`, into a
 * FileSink (exactly once: part files become visible when their checkpoint completes).
 */

const BROOK = 'actors/brook.js';

describe('brook across processes: a JobManager and two TaskManager processes', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-processes-'));
  const jobFile = path.join(work, 'keyedWindows.js');
  const children: ChildProcess[] = [];
  let jobManager = '';
  let restUrl = '';
  const taskManagers: ChildProcess[] = [];

  const start = (...args: string[]) => startWith({}, ...args);
  const startWith = (env: Record<string, string>, ...args: string[]) => {
    const run = runScript(BROOK, args, { env });
    children.push(run.child);
    return run;
  };

  beforeAll(async () => {
    // The job file every process loads: keyed 1 s event-time windows summing generated records.
    fs.writeFileSync(
      jobFile,
      `const { DataGeneratorSource, FileSink, TumblingEventTimeWindows, Time, WatermarkStrategy } = require(${JSON.stringify(path.join(ROOT, 'dist', 'actors', 'index.js'))});
exports.jobName = 'Keyed Windows';
exports.defineJob = (env, { args }) => {
  const [out, checkpoints, count, rate] = args;
  env.enableCheckpointing(100, 'EXACTLY_ONCE');
  env.getCheckpointConfig().setCheckpointStorage(checkpoints);
  env.setRestartStrategy({ type: 'fixed-delay', attempts: 3, delayMs: 100 });
  env
    .fromSource(
      new DataGeneratorSource((i) => ({ key: 'k' + (i % ${KEYS}), time: i * 10, count: 1 }), Number(count), rate === 'max' ? {} : { recordsPerSecond: Number(rate) }),
      WatermarkStrategy.forMonotonousTimestamps().withTimestampAssigner((e) => e.time),
      'Events',
    )
    .uid('source')
    .keyBy('key')
    .window(TumblingEventTimeWindows.of(Time.seconds(1)))
    .reduce((a, b) => ({ key: a.key, time: Math.min(a.time, b.time), count: a.count + b.count }))
    .uid('windows')
    // A host whose job would differ (here: an environment variable the job reads).
    .setParallelism(process.env.BROOK_E2E_OTHER_GRAPH ? 1 : env.getParallelism())
    .map((e) => e.key + ' ' + Math.floor(e.time / 1000) * 1000 + ' ' + e.count)
    .sinkTo(new FileSink(out))
    .uid('sink');
};
`,
    );
    const jm = start(
      'jobmanager',
      ...['--port', '0', '--rest-port', '0', '--heartbeat-interval', '200', '--heartbeat-timeout', '3000', '--slot-request-timeout', '10000'],
    );
    const [, port, rest] = await waitForOutput(jm.child, 'stderr', /JobManager listening on 127\.0\.0\.1:(\d+), REST API and dashboard at (\S+)/);
    jobManager = `127.0.0.1:${port}`;
    restUrl = rest;
    for (let i = 0; i < 2; i++) {
      const tm = start('taskmanager', '--jobmanager', jobManager, '--slots', '2', '--heartbeat-interval', '200', '--heartbeat-timeout', '3000');
      taskManagers.push(tm.child);
      await waitForOutput(tm.child, 'stderr', /TaskManager \d+ registered/);
    }
  });

  afterAll(async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGKILL');
          }),
      ),
    );
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("lists both TaskManager processes on the JobManager's REST port, with their data address and heartbeats that keep arriving", async () => {
    const first = await getJson<TaskManagersBody>(restUrl, '/taskmanagers');
    expect(first.taskmanagers.map((t) => [t.id, t.slotsNumber, t.freeSlots])).toEqual([
      ['taskmanager-0', 2, 2],
      ['taskmanager-1', 2, 2],
    ]);
    for (const tm of first.taskmanagers) {
      expect(tm.host).toBe('127.0.0.1');
      expect(tm.path).toBe(`127.0.0.1:${tm.dataPort}`);
      expect(tm.dataPort).toBeGreaterThan(0);
    }
    // Wall time (real processes): until each has a heartbeat newer than the first answer's, every 200 ms.
    const heardBefore = new Map(first.taskmanagers.map((t) => [t.id, t.timeSinceLastHeartbeat]));
    const until = Date.now() + 10_000;
    let body = first;
    while (body.taskmanagers.some((t) => t.timeSinceLastHeartbeat <= heardBefore.get(t.id)!)) {
      if (Date.now() > until) throw new Error(`no newer heartbeat in /taskmanagers: ${JSON.stringify(body)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      body = await getJson<TaskManagersBody>(restUrl, '/taskmanagers');
    }
    for (const tm of body.taskmanagers) {
      const age = body.now - tm.timeSinceLastHeartbeat;
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThan(1000);
    }
  });

  it('runs a keyed windowed job over both TaskManagers to exactly the expected output', async () => {
    const out = path.join(work, 'out-1');
    // About 1 s of records: batches leave on the buffer timeout, more per channel than its initial credit.
    const run = await start('run', '--jobmanager', jobManager, jobFile, '-p', '4', '--', out, path.join(work, 'checkpoints-1'), '3000', '3000').done;
    expect(run.stderr).toMatch(/job 'Keyed Windows' finished in \d+ ms \(0 malformed records skipped, 0 late records dropped, 0 restarts\)/);
    expect(run.code).toBe(0);
    expect(committedLines(out)).toEqual(expectedLines(3000));
  });

  it('fails over when a TaskManager is killed -9 mid-job, and its FileSink output is exactly once', async () => {
    const out = path.join(work, 'out-2');
    const checkpoints = path.join(work, 'checkpoints-2');
    const run = start('run', '--jobmanager', jobManager, jobFile, '-p', '2', '--', out, checkpoints, '3000', '600');
    // Mid-job: a checkpoint completed (some output is committed) and records are still coming.
    await eventually(
      () => findLatestCompletedCheckpoint(checkpoints, () => undefined) !== undefined && committedLines(out).length > 0,
      'a completed checkpoint',
    );
    expect(run.child.exitCode).toBeNull();
    taskManagers[1].kill('SIGKILL');
    const done = await run.done;
    expect(done.stderr).toMatch(/job 'Keyed Windows' finished in \d+ ms .* 1 restarts\)/);
    expect(done.code).toBe(0);
    expect(committedLines(out)).toEqual(expectedLines(3000));
  });

  it('after a kill -9 that leaves too few slots, waits for a TaskManager to join, then goes on exactly once', async () => {
    const startTaskManager = async (): Promise<ChildProcess> => {
      const tm = start('taskmanager', '--jobmanager', jobManager, '--slots', '2', '--heartbeat-interval', '200', '--heartbeat-timeout', '3000');
      await waitForOutput(tm.child, 'stderr', /TaskManager \d+ registered/);
      return tm.child;
    };
    // One TaskManager of 2 slots is left by the test before: with a second, the job's 4 subtasks fit.
    const second = await startTaskManager();
    const out = path.join(work, 'out-wait');
    const checkpoints = path.join(work, 'checkpoints-wait');
    const run = start('run', '--jobmanager', jobManager, jobFile, '-p', '4', '--', out, checkpoints, '3000', '600');
    await eventually(
      () => findLatestCompletedCheckpoint(checkpoints, () => undefined) !== undefined && committedLines(out).length > 0,
      'a completed checkpoint',
    );
    second.kill('SIGKILL');
    // 2 slots for 4 subtasks: the restart waits (the slot request timeout is 10 s) until a TaskManager joins.
    await startTaskManager();
    const done = await run.done;
    expect(done.stderr).toMatch(/job 'Keyed Windows' finished in \d+ ms .* 1 restarts\)/);
    expect(done.code).toBe(0);
    expect(committedLines(out)).toEqual(expectedLines(3000));
  });

  it('lets TaskManagers join a running job without restarting it, and turns one away that defines the job differently', async () => {
    const out = path.join(work, 'out-join');
    const run = start('run', '--jobmanager', jobManager, jobFile, '-p', '2', '--', out, path.join(work, 'checkpoints-join'), '3000', '1500');
    await eventually(() => committedLines(out).length > 0, 'committed output');
    const joining = start('taskmanager', '--jobmanager', jobManager, '--slots', '1');
    await waitForOutput(joining.child, 'stderr', /TaskManager \d+ registered/);
    const other = await startWith({ BROOK_E2E_OTHER_GRAPH: '1' }, 'taskmanager', '--jobmanager', jobManager, '--slots', '1').done;
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/TaskManager stopped: cannot join the cluster: job file .*keyedWindows\.js defined a different job on TaskManager \d+/);
    const done = await run.done;
    expect(done.stderr).toMatch(/job 'Keyed Windows' finished in \d+ ms .* 0 restarts\)/);
    expect(committedLines(out)).toEqual(expectedLines(3000));
  });

  it('refuses a job that a TaskManager defines differently, naming both shapes, and runs nothing', async () => {
    const other = startWith({ BROOK_E2E_OTHER_GRAPH: '1' }, 'taskmanager', '--jobmanager', jobManager, '--slots', '2');
    await waitForOutput(other.child, 'stderr', /TaskManager \d+ registered/);
    const out = path.join(work, 'out-3');
    const run = await start('run', '--jobmanager', jobManager, jobFile, '-p', '2', '--', out, path.join(work, 'checkpoints-3'), '100', 'max').done;
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /the TaskManagers refused job 'Keyed Windows': job file .*keyedWindows\.js defined a different job on TaskManager \d+ \(fingerprint \w+, JobManager \w+\)/,
    );
    expect(committedLines(out)).toEqual([]);
  });
});

describe('brook cluster start', () => {
  it('starts a JobManager and TaskManager processes that run a job, and stops every one of them on SIGTERM', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-cluster-'));
    const cluster = runScript(BROOK, ['cluster', 'start', '-n', '2', '--slots', '2', '--port', '0']);
    const pids: number[] = [];
    cluster.child.stderr!.on('data', (d: Buffer) => {
      for (const m of d.toString().matchAll(/started \S+ \(pid (\d+)\)/g)) pids.push(Number(m[1]));
    });
    try {
      const [, port] = await waitForOutput(
        cluster.child,
        'stderr',
        /local cluster running: a JobManager at 127\.0\.0\.1:(\d+) and 2 TaskManager\(s\) × 2 slot\(s\)/,
      );
      expect(pids).toHaveLength(3);
      const jobFile = path.join(work, 'sequence.js');
      fs.writeFileSync(jobFile, `exports.defineJob = (env) => { env.fromSequence(1, 40).map((n) => n * n).print(); };\n`);
      const run = await runScript(BROOK, ['run', '--jobmanager', `127.0.0.1:${port}`, jobFile, '-p', '4']).done;
      expect(run.code).toBe(0);
      const squares = run.stdout
        .trim()
        .split('\n')
        .map((l) => Number(l.replace(/^\d+> /, '')));
      expect(squares.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => (i + 1) ** 2));

      cluster.child.kill('SIGTERM');
      const done = await cluster.done;
      expect(done.code).toBe(0);
      expect(done.stderr).toContain('brook: local cluster stopped');
      const alive = pids.filter((pid) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      });
      expect(alive).toEqual([]);
    } finally {
      if (cluster.child.exitCode === null) cluster.child.kill('SIGKILL');
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
