import { EventEmitter } from 'events';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { JobManagerProcess } from '../../actors/processes/JobManagerProcess';
import { LeaderFollowingTaskManager, RECONNECT_DELAY_MS } from '../../actors/processes/LeaderFollowingTaskManager';
import { TaskManagerProcess } from '../../actors/processes/TaskManagerProcess';
import { runOnJobManager } from '../../lib/cli/remoteRun';
import { LeadershipEvent } from '../../lib/cluster/ProcessRoles';
import { connect } from '../../lib/cluster/net/FramedConnection';
import { FromClient, ToClient } from '../../lib/cluster/net/ClientProtocol';
import { HighAvailabilityServices, JOB_MANAGER } from '../../lib/ha/HighAvailabilityServices';
import { InMemoryCoordinationStore } from '../../lib/ha/memory/InMemoryCoordinationStore';
import { JobDetailsBody } from '../../lib/rest/RestTypes';
import { ManualClock } from '../../lib/time/ManualClock';
import { getJson } from '../harness/httpGet';

/**
 * Two JobManager processes (in this process, over loopback TCP) campaign on one in-memory
 * coordination store, as they would on etcd; leases end when the test says so, never by waiting.
 */
const heartbeat = { intervalMs: 100, timeoutMs: 1000 };
/** The following TaskManager's clock is advanced to retry registrations; its heartbeats must not time out meanwhile. */
const followerHeartbeat = { intervalMs: 100, timeoutMs: 600_000 };

async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  // Messages cross a real socket: give the event loop turns until they have arrived.
  for (let i = 0; i < 2000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not reached');
}

describe('JobManager processes with high availability', () => {
  const store = new InMemoryCoordinationStore();
  const clock = new ManualClock(1_000_000);
  const ha = new HighAvailabilityServices(store, { clusterId: 'test', clock });
  const events = new Map<string, LeadershipEvent[]>();
  let first: JobManagerProcess;
  let second: JobManagerProcess;
  const tms: Array<TaskManagerProcess | LeaderFollowingTaskManager> = [];

  const start = (name: string): Promise<JobManagerProcess> => {
    events.set(name, []);
    return JobManagerProcess.start({ port: 0, heartbeat, onLeadership: (e) => events.get(name)!.push(e) }, clock, ha);
  };
  const startTaskManager = async (jm: JobManagerProcess): Promise<TaskManagerProcess> => {
    const tm = await TaskManagerProcess.start({ jobManagerHost: '127.0.0.1', jobManagerPort: jm.port, slots: 1, heartbeat, clock });
    tms.push(tm);
    return tm;
  };
  const slotsOffered = async (jm: JobManagerProcess): Promise<number> =>
    (await jm.gateway.requestClusterOverview()).taskManagers.reduce((n, t) => n + t.slots, 0);
  const expireLeader = async (): Promise<void> => {
    const leaders = await store.list(ha.keys.leaderPrefix(JOB_MANAGER));
    const lowest = leaders.sort((a, b) => Number(BigInt(a.createRevision) - BigInt(b.createRevision)))[0];
    store.revokeLease(lowest.lease);
  };

  beforeAll(async () => {
    first = await start('first');
    second = await start('second');
  });

  afterAll(async () => {
    for (const tm of tms) tm.stop();
    await Promise.all(tms.map((tm) => tm.closed));
    await first.shutdown();
    await second.shutdown();
  });

  it('lets the first contender lead and keeps the second a standby', async () => {
    await until(() => first.leading);
    expect(second.leading).toBe(false);
    expect(events.get('first')).toEqual([{ type: 'granted', token: expect.any(String) }]);
    expect(events.get('second')).toEqual([]);
  });

  it('a standby refuses TaskManagers and job submissions', async () => {
    const tm = await startTaskManager(second);
    expect((await tm.closed)?.message).toMatch(/^lost the JobManager/);
    expect(await slotsOffered(second)).toBe(0);

    const client = await connect<ToClient, FromClient>('127.0.0.1', second.port);
    const answers: ToClient[] = [];
    client.onMessage((m) => answers.push(m));
    const closed = new Promise<void>((resolve) => client.onClose(() => resolve()));
    client.send({ type: 'submit', file: '/nowhere/job.js', args: [], parallelism: 1, savepoint: undefined });
    await closed;
    expect(answers).toEqual([{ type: 'failed', status: 'FAILED', message: 'this JobManager is a standby, not the leader' }]);
  });

  it('a deposed leader lets its TaskManagers go at once, the standby leads, and the deposed one campaigns again', async () => {
    const tm = await startTaskManager(first);
    await tm.registered;
    await until(async () => (await slotsOffered(first)) === 1);

    await expireLeader();
    expect((await tm.closed)?.message).toMatch(/^lost the JobManager/);
    await until(() => second.leading);
    expect(first.leading).toBe(false);
    expect(events.get('first')?.[1]).toEqual({ type: 'revoked', reason: expect.stringMatching(/lease was lost/) });
    await until(async () => (await slotsOffered(first)) === 0);

    // The new leader serves TaskManagers.
    const next = await startTaskManager(second);
    await next.registered;
    await until(async () => (await slotsOffered(second)) === 1);

    // The deposed one is a contender again: it leads once the new leader's lease ends.
    await expireLeader();
    await until(() => first.leading);
    const [granted, , again] = events.get('first')!;
    expect(again).toEqual({ type: 'granted', token: expect.any(String) });
    expect(BigInt((again as { token: string }).token)).toBeGreaterThan(BigInt((granted as { token: string }).token));
  });

  it('a TaskManager with HA registers with the leader and, when the leader changes, with the new one', async () => {
    await until(() => first.leading);
    const tmClock = new ManualClock(1_000_000);
    const registrations: string[] = [];
    const follower = await LeaderFollowingTaskManager.start(
      { slots: 2, heartbeat: followerHeartbeat, clock: tmClock, onRegistered: (_id, jm) => registrations.push(jm) },
      ha.leaderRetrieval(JOB_MANAGER),
    );
    tms.push(follower);
    // A leader that refused it (not leading yet in its own view) is tried again after a delay.
    const registeredWith = (jm: JobManagerProcess) => async () => {
      if (!follower.serving) tmClock.advance(RECONNECT_DELAY_MS);
      return (await slotsOffered(jm)) === 2;
    };
    await until(registeredWith(first));
    const old = follower.serving!;

    await expireLeader();
    await until(registeredWith(second));
    expect(await old.closed).toBeInstanceOf(Error);
    expect(follower.serving).not.toBe(old);
    expect(registrations).toEqual([`127.0.0.1:${first.port}`, `127.0.0.1:${second.port}`]);
    await until(async () => (await slotsOffered(first)) === 0);
  });
});

describe('a job a new leader recovers', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-recovered-id-'));
  const store = new InMemoryCoordinationStore();
  const clock = new ManualClock(1_000_000);
  const tmClock = new ManualClock(1_000_000);
  const ha = new HighAvailabilityServices(store, { clusterId: 'test', clock });
  const jms: JobManagerProcess[] = [];
  let follower: LeaderFollowingTaskManager | undefined;

  afterAll(async () => {
    follower?.stop();
    await follower?.closed;
    for (const jm of jms) await jm.shutdown();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('keeps the id it was first given, in the new leader and its REST API', async () => {
    // Heartbeats that cannot time out: the clocks move only to retry registrations and slot requests.
    for (let i = 0; i < 2; i++) jms.push(await JobManagerProcess.start({ port: 0, restPort: 0, heartbeat: followerHeartbeat }, clock, ha));
    const [first, second] = jms;
    await until(() => first.leading);
    follower = await LeaderFollowingTaskManager.start({ slots: 1, heartbeat: followerHeartbeat, clock: tmClock }, ha.leaderRetrieval(JOB_MANAGER));
    const offers = (jm: JobManagerProcess) => async () => {
      if (!follower!.serving) tmClock.advance(RECONNECT_DELAY_MS);
      return (await jm.gateway.requestClusterOverview()).taskManagers.length === 1;
    };
    await until(offers(first));

    const jobFile = path.join(work, 'job.js');
    fs.writeFileSync(
      jobFile,
      `const { DataGeneratorSource } = require(${JSON.stringify(path.join(__dirname, '../../actors/index.ts'))});
exports.defineJob = (env) => {
  env.fromSource(new DataGeneratorSource((i) => i, 1000000, { recordsPerSecond: 1 }), undefined, 'Numbers').filter(() => false).print();
};
`,
    );
    let stderr = '';
    const io = { stdout: { write: () => undefined }, stderr: { write: (s: string) => (stderr += s) } };
    const run = runOnJobManager(
      { host: '127.0.0.1', port: first.port, file: jobFile, args: [], parallelism: 1, savepoint: undefined, highAvailability: true },
      io,
      new EventEmitter(),
    );
    const jobsOf = async (jm: JobManagerProcess): Promise<string[]> => (await jm.gateway.requestClusterOverview()).jobs.map((j) => j.jobId);
    await until(async () => (await jobsOf(first)).length === 1);
    const [jobId] = await jobsOf(first);
    await until(() => stderr.includes(`(${jobId}) submitted`));
    expect(await getJson<JobDetailsBody>(first.restUrl!, `/jobs/${jobId}`)).toMatchObject({ jid: jobId });

    const leaders = await store.list(ha.keys.leaderPrefix(JOB_MANAGER));
    store.revokeLease(leaders.sort((a, b) => Number(BigInt(a.createRevision) - BigInt(b.createRevision)))[0].lease);
    await run;
    expect(stderr).toContain(`job ${jobId} goes on under the next leader`);
    // The new leader recovers the job once the TaskManager registered with it offers its slot.
    await until(async () => {
      clock.advance(100);
      return (await offers(second)()) && (await jobsOf(second)).length === 1;
    });
    expect(await jobsOf(second)).toEqual([jobId]);
    expect(await getJson<JobDetailsBody>(second.restUrl!, `/jobs/${jobId}`)).toMatchObject({ jid: jobId });
  });
});
