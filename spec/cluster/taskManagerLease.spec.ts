import { EventEmitter } from 'events';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { JobManagerProcess } from '../../actors/processes/JobManagerProcess';
import { LeaderFollowingTaskManager } from '../../actors/processes/LeaderFollowingTaskManager';
import { TaskManagerProcess } from '../../actors/processes/TaskManagerProcess';
import { runOnJobManager } from '../../lib/cli/remoteRun';
import { HighAvailabilityServices, JOB_MANAGER } from '../../lib/ha/HighAvailabilityServices';
import { InMemoryCoordinationStore } from '../../lib/ha/memory/InMemoryCoordinationStore';
import { ManualClock } from '../../lib/time/ManualClock';

/**
 * A leading JobManager and TaskManagers in this process, over loopback TCP, on the in-memory
 * coordination store: a TaskManager's lease ends when the test revokes it (as etcd ends the
 * lease of a TaskManager paused past its TTL), never by waiting. The clocks are manual: the
 * JobManager's triggers the checkpoints, and nobody's heartbeats time out.
 */
const heartbeat = { intervalMs: 100, timeoutMs: 600_000 };
const TTL_SECONDS = 10;

async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  // Messages cross a real socket: give the event loop turns until they have arrived.
  for (let i = 0; i < 5000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`condition not reached: ${what}`);
}

/** What the job file's sink (below) does, shared with this test through the global object. */
interface SinkLog {
  /** Every commit a writer was asked for, `attempt a: checkpoint c`, whether it went through or not. */
  readonly asked: string[];
  /** Every commit that reached the external system. */
  readonly committed: string[];
  readonly preCommits: string[];
  gate: Promise<void>;
}
const shared = globalThis as unknown as { __brookLeaseSpec: SinkLog };

/**
 * An unbounded source that emits one record and then waits on the TaskManager's clock (which
 * stands still), chained to a two-phase-commit sink whose commits first wait for the test's gate:
 * a commit asked for can be held while the TaskManager is fenced out.
 */
const JOB_FILE = `const { DataGeneratorSource } = require(${JSON.stringify(path.join(__dirname, '../../actors/index.ts'))});
const log = () => globalThis.__brookLeaseSpec;
const sink = {
  name: 'Gated Commits',
  transactional: true,
  createWriter: (ctx) => ({
    // Opened after the barrier of checkpoint n: committed when checkpoint n + 1 completes.
    beginTransaction: (lastBarrier) => ({ checkpointId: lastBarrier + 1 }),
    invoke: () => undefined,
    preCommit: async (txn) => void log().preCommits.push('attempt ' + ctx.attemptNumber + ': checkpoint ' + txn.checkpointId),
    commit: async (txn) => {
      const what = 'attempt ' + ctx.attemptNumber + ': checkpoint ' + txn.checkpointId;
      log().asked.push(what);
      await log().gate;
      log().committed.push(what);
    },
    abort: async () => undefined,
  }),
};
exports.defineJob = (env, { args }) => {
  env.enableCheckpointing(1000, 'EXACTLY_ONCE');
  env.getCheckpointConfig().setCheckpointStorage(args[0]);
  env.setRestartStrategy({ type: 'fixed-delay', attempts: 3, delayMs: 100 });
  env.fromSource(new DataGeneratorSource((i) => i, Infinity, { recordsPerSecond: 1 }), undefined, 'One').uid('source').sinkTo(sink).uid('sink');
};
`;

describe('a TaskManager registered under a lease', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-tm-lease-'));
  const store = new InMemoryCoordinationStore();
  const jmClock = new ManualClock(1_000_000);
  const ha = new HighAvailabilityServices(store, { clusterId: 'test', clock: jmClock });
  let jm: JobManagerProcess;
  const tms: Array<TaskManagerProcess | LeaderFollowingTaskManager> = [];

  const slotsOffered = async (): Promise<number> => (await jm.gateway.requestClusterOverview()).taskManagers.reduce((n, t) => n + t.slots, 0);
  const leaseOf = async (registrationId: string): Promise<string> => (await store.get(ha.keys.taskManager(registrationId)))!.lease;

  beforeAll(async () => {
    jm = await JobManagerProcess.start({ port: 0, heartbeat }, jmClock, ha);
    await until(() => jm.leading, 'the JobManager leads');
  });

  afterAll(async () => {
    for (const tm of tms) tm.stop();
    await Promise.all(tms.map((tm) => tm.closed));
    await jm.shutdown();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('is declared lost by the leader when its registration disappears, though its connection and heartbeats are fine', async () => {
    // The registration is the test's, so that the TaskManager itself does not notice its end.
    const registration = await ha.taskManagers.register(
      { id: 'watched', address: '127.0.0.1:0', slots: 2 },
      { ttlSeconds: TTL_SECONDS, onLost: () => undefined },
    );
    const tm = await TaskManagerProcess.start({ jobManagerHost: '127.0.0.1', jobManagerPort: jm.port, slots: 2, heartbeat, registration: 'watched' });
    tms.push(tm);
    await tm.registered;
    await until(async () => (await slotsOffered()) === 2, 'its slots are offered');

    store.revokeLease(await leaseOf('watched'));
    expect((await tm.closed)?.message).toMatch(/^lost the JobManager/);
    await until(async () => (await slotsOffered()) === 0, 'its slots are gone');
    await registration.close();
  });

  it('is fenced out when its lease ends while a commit is pending: the commit does not happen there, and the job fails over to it registered anew', async () => {
    let releaseGate!: () => void;
    shared.__brookLeaseSpec = { asked: [], committed: [], preCommits: [], gate: new Promise((resolve) => (releaseGate = resolve)) };
    const log = shared.__brookLeaseSpec;
    const tmClock = new ManualClock(1_000_000);
    const fencings: string[] = [];
    const follower = await LeaderFollowingTaskManager.start(
      { slots: 1, heartbeat, clock: tmClock, lease: { registry: ha.taskManagers, ttlSeconds: TTL_SECONDS }, onFenced: (reason) => fencings.push(reason) },
      ha.leaderRetrieval(JOB_MANAGER),
    );
    tms.push(follower);
    const firstRegistration = follower.registrationId!;
    await until(async () => (await slotsOffered()) === 1, 'the TaskManager offers its slot');
    const first = follower.serving!;

    const jobFile = path.join(work, 'job.js');
    fs.writeFileSync(jobFile, JOB_FILE);
    const client = new EventEmitter();
    const run = runOnJobManager(
      { host: '127.0.0.1', port: jm.port, file: jobFile, args: [path.join(work, 'checkpoints')], parallelism: 1, savepoint: undefined },
      { stdout: { write: () => undefined }, stderr: { write: () => undefined } },
      client,
    );
    const job = async () => (await jm.gateway.requestClusterOverview()).jobs[0];
    await until(async () => (await job())?.tasks.RUNNING === 1, 'the job runs');

    // Checkpoint 1 completes and its commit is asked for, and held. Checkpoints 2 and 3 complete
    // meanwhile: the notification of 2 (before the barrier of 3, in the same mailbox) queues the
    // commit of checkpoint 2 behind the held one.
    jmClock.advance(1000);
    await until(() => log.asked.length === 1, 'the commit of checkpoint 1 is asked for');
    jmClock.advance(1000);
    await until(() => log.preCommits.length === 2, 'checkpoint 2 reached the sink');
    jmClock.advance(1000);
    await until(() => log.preCommits.length === 3, 'checkpoint 3 reached the sink');
    expect(log.asked).toEqual(['attempt 0: checkpoint 1']);

    // Its lease ends (paused past its TTL): it stops acting at once and registers anew.
    store.revokeLease(await leaseOf(firstRegistration));
    expect((await first.closed)?.message).toMatch(/^fenced out: its registration's lease ended/);
    expect(fencings).toHaveLength(1);
    await until(() => follower.registrationId !== undefined && follower.registrationId !== firstRegistration, 'it registers anew');

    // The commit in flight when it was fenced goes on (commits are idempotent); the one queued
    // behind it is refused by the fence: attempt 0 commits nothing more.
    releaseGate();
    await until(async () => {
      jmClock.advance(100); // the restart's backoff
      return (await job())?.tasks.RUNNING === 1 && log.committed.some((c) => c.startsWith('attempt 1'));
    }, 'the job runs again');
    for (let i = 0; i < 100; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(log.committed.filter((c) => c.startsWith('attempt 0'))).toEqual(['attempt 0: checkpoint 1']);
    // The next attempt, on the TaskManager registered anew, commits what checkpoint 2 (or 3) left pending.
    expect(log.committed.filter((c) => c.startsWith('attempt 1'))).toContain('attempt 1: checkpoint 2');
    const snapshot = await jm.gateway.requestJob((await job())!.jobId);
    expect(snapshot?.numRestarts).toBe(1);
    expect(snapshot?.exceptions.entries[0].message).toMatch(/TaskManager \d+ \(127\.0\.0\.1\) lost/);

    client.emit('SIGINT');
    await run;
  });
});
