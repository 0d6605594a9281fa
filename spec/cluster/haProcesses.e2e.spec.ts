import { ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { findLatestCompletedCheckpoint } from '../../lib/runtime/checkpoint/CheckpointStorage';
import { EtcdCluster } from '../harness/EtcdCluster';
import { ROOT, runScript, waitForOutput } from '../harness/processes';
import { expectedLines, KEYS } from '../harness/windowedCounts';
import { committedLines } from '../harness/fileSinkOutput';
import { eventually } from '../harness/eventually';

/**
 * High availability across processes: a 3-member etcd, two JobManagers with --ha (one leads,
 * one stands by), two TaskManagers and a client that find the leader there. The leading
 * JobManager is killed -9 in the middle of a checkpointed keyed windowed job into a FileSink:
 * the standby takes over, recovers the job from its latest checkpoint pointer, and the sink
 * holds exactly the fault-free result.
 */

const BROOK = 'actors/brook.js';

/** Everything a child printed on stderr so far. */
function stderrOf(child: ChildProcess): () => string {
  let text = '';
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  return () => text;
}

describe('brook with high availability on etcd: a kill -9 of the leading JobManager', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-ha-processes-'));
  const jobFile = path.join(work, 'keyedWindows.js');
  const children: ChildProcess[] = [];
  let etcd: EtcdCluster | undefined;
  let ha = '';

  const start = (...args: string[]) => {
    const run = runScript(BROOK, args);
    children.push(run.child);
    return run;
  };
  const jobManager = () =>
    start('jobmanager', '--port', '0', '--ha', ha, '--cluster-id', 'e2e', '--lease-ttl', '2', '--heartbeat-interval', '200', '--heartbeat-timeout', '3000');

  beforeAll(async () => {
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
      new DataGeneratorSource((i) => ({ key: 'k' + (i % ${KEYS}), time: i * 10, count: 1 }), Number(count), { recordsPerSecond: Number(rate) }),
      WatermarkStrategy.forMonotonousTimestamps().withTimestampAssigner((e) => e.time),
      'Events',
    )
    .uid('source')
    .keyBy('key')
    .window(TumblingEventTimeWindows.of(Time.seconds(1)))
    .reduce((a, b) => ({ key: a.key, time: Math.min(a.time, b.time), count: a.count + b.count }))
    .uid('windows')
    .map((e) => e.key + ' ' + Math.floor(e.time / 1000) * 1000 + ' ' + e.count)
    .sinkTo(new FileSink(out))
    .uid('sink');
};
`,
    );
    etcd = await EtcdCluster.start(3);
    ha = `etcd://${etcd.hosts.map((h) => h.replace(/^http:\/\//, '')).join(',')}`;
  }, 30_000);

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
    await etcd?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }, 20_000);

  it('the standby takes over, recovers the job from its latest checkpoint, and the FileSink holds exactly the fault-free result', async () => {
    const leader = jobManager();
    await waitForOutput(leader.child, 'stderr', /this JobManager leads \(fencing token \d+\)/);
    const standby = jobManager();
    const standbyErr = stderrOf(standby.child);
    await waitForOutput(standby.child, 'stderr', /JobManager listening on/);
    expect(standbyErr()).not.toMatch(/leads/);
    for (let i = 0; i < 2; i++) {
      const tm = start('taskmanager', '--ha', ha, '--cluster-id', 'e2e', '--slots', '2', '--heartbeat-interval', '200', '--heartbeat-timeout', '3000');
      await waitForOutput(tm.child, 'stderr', /TaskManager \d+ registered/);
    }

    const out = path.join(work, 'out');
    const checkpoints = path.join(work, 'checkpoints');
    const run = start('run', '--ha', ha, '--cluster-id', 'e2e', jobFile, '-p', '2', '--', out, checkpoints, '3000', '600');
    await eventually(
      () => findLatestCompletedCheckpoint(checkpoints, () => undefined) !== undefined && committedLines(out).length > 0,
      'a completed checkpoint',
    );
    expect(committedLines(out).length).toBeLessThan(expectedLines(3000).length);
    leader.child.kill('SIGKILL');

    // The client loses its JobManager and says the job goes on.
    const client = await run.done;
    const [, jobId] = /job 'Keyed Windows' \((\w+)\) submitted/.exec(client.stderr) ?? [];
    expect(client.stderr).toContain(`job ${jobId} goes on under the next leader`);

    await eventually(() => /this JobManager leads/.test(standbyErr()), 'the standby to lead');
    await eventually(() => new RegExp(`recovering job ${jobId} \\(.*\\) from checkpoint \\d+`).test(standbyErr()), 'the recovery');
    await eventually(() => new RegExp(`recovered job ${jobId} finished`).test(standbyErr()), 'the recovered job to finish', 40_000);
    expect(committedLines(out)).toEqual(expectedLines(3000));
  }, 90_000);
});
