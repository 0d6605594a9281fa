import { FencedError } from '../../lib/ha/FencedError';
import { isNewerToken } from '../../lib/ha/FencingToken';
import { HighAvailabilityServices, JOB_MANAGER } from '../../lib/ha/HighAvailabilityServices';
import { JobGraphRecord } from '../../lib/ha/JobGraphStore';
import { LeaderContender, LeaderElection, Leadership } from '../../lib/ha/LeaderElection';
import { LeaderInformation } from '../../lib/ha/LeaderRetrieval';
import { TaskManagerInfo } from '../../lib/ha/TaskManagerRegistry';

/** One implementation of the coordination store, as the contract sees it. */
export interface HaFixture {
  /** HA services of one more process (its own client), on the test's cluster id. */
  process(clusterId: string): Promise<HighAvailabilityServices>;
  /** The lease holding `key` ends as if its holder was paused past its TTL. */
  expireLeaseOf(services: HighAvailabilityServices, key: string): Promise<void>;
  /** Real time the implementation needs to notice changes (etcd: round trips and watches). */
  readonly waitMs: number;
}

/** Polls `condition` until it holds; fails after `timeoutMs`. */
export async function eventually(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export class RecordingContender implements LeaderContender {
  readonly events: string[] = [];
  current: Leadership | undefined;

  constructor(readonly name: string) {}

  grantLeadership(leadership: Leadership): void {
    this.current = leadership;
    this.events.push(`granted ${leadership.token}`);
  }

  revokeLeadership(): void {
    this.current = undefined;
    this.events.push('revoked');
  }
}

const TTL = 2;
let nextCluster = 0;

export function job(jobId: string): JobGraphRecord {
  return { jobId, jobFile: `/jobs/${jobId}.js`, args: ['--p', '2'], fingerprint: `fp-${jobId}`, state: 'running', submittedAt: 1 };
}

/** The HA services' guarantees, run against every coordination store. */
export function describeHaContract(name: string, fixture: () => HaFixture): void {
  describe(`HA services on ${name}`, () => {
    let f: HaFixture;
    let clusterId: string;
    const opened: HighAvailabilityServices[] = [];
    const elections: LeaderElection[] = [];

    async function process(): Promise<HighAvailabilityServices> {
      const s = await f.process(clusterId);
      opened.push(s);
      return s;
    }

    async function contend(s: HighAvailabilityServices, name: string): Promise<{ election: LeaderElection; contender: RecordingContender }> {
      const election = s.leaderElection(JOB_MANAGER, `${name}:6123`, { ttlSeconds: TTL });
      elections.push(election);
      const contender = new RecordingContender(name);
      await election.start(contender);
      return { election, contender };
    }

    beforeEach(() => {
      f = fixture();
      clusterId = `c${Date.now()}-${nextCluster++}`;
    });

    afterEach(async () => {
      for (const e of elections.splice(0)) await e.close();
      for (const s of opened.splice(0)) await s.close();
    });

    it('elects exactly one of two contenders, and retrieval names it with its token', async () => {
      const [a, b] = [await process(), await process()];
      const ca = await contend(a, 'jm-a');
      const cb = await contend(b, 'jm-b');
      const watcher = (await process()).leaderRetrieval(JOB_MANAGER);
      const seen: (LeaderInformation | undefined)[] = [];
      await watcher.start((l) => seen.push(l));
      await eventually('a leader', () => ca.contender.current !== undefined || cb.contender.current !== undefined, f.waitMs);
      await eventually('retrieval to see the leader', () => watcher.current() !== undefined, f.waitMs);
      const leaders = [ca, cb].filter((c) => c.contender.current);
      expect(leaders).toHaveLength(1);
      expect(ca.contender.current?.address).toBe('jm-a:6123'); // the first to campaign
      expect(watcher.current()).toEqual({ address: 'jm-a:6123', token: ca.contender.current?.token });
      expect(cb.election.leadership()).toBeUndefined();
      await watcher.stop();
    }, 30_000);

    it('a leader whose lease ends is told to stop, the standby leads with a larger token, and the old fence is refused', async () => {
      const [a, b] = [await process(), await process()];
      const ca = await contend(a, 'jm-a');
      await eventually('jm-a to lead', () => ca.contender.current !== undefined, f.waitMs);
      const cb = await contend(b, 'jm-b');
      const old = ca.contender.current!;
      const taskManager = (await process()).leaderRetrieval(JOB_MANAGER);
      await taskManager.start(() => undefined);
      expect(taskManager.current()).toEqual({ address: 'jm-a:6123', token: old.token });
      await a.checkpoints.add(old.fence, { jobId: 'j1', checkpointId: 1, location: '/cp/a-1', timestamp: 1 });

      await f.expireLeaseOf(a, old.fence.key);
      await eventually('jm-b to lead', () => cb.contender.current !== undefined, f.waitMs);
      await eventually('jm-a to be told', () => ca.contender.events.includes('revoked'), f.waitMs);
      const next = cb.contender.current!;
      expect(isNewerToken(next.token, old.token)).toBe(true);
      expect(ca.contender.events.slice(0, 2)).toEqual([`granted ${old.token}`, 'revoked']);

      await b.checkpoints.add(next.fence, { jobId: 'j1', checkpointId: 2, location: '/cp/b-2', timestamp: 2 });
      // The deposed leader writes late, with the fence it held: refused, nothing changes.
      await expect(a.checkpoints.add(old.fence, { jobId: 'j1', checkpointId: 3, location: '/cp/a-3', timestamp: 3 })).rejects.toThrow(FencedError);
      await expect(a.jobGraphs.put(old.fence, job('j9'))).rejects.toThrow(FencedError);
      await expect(a.checkFence(old.fence, 'committing a sink transaction')).rejects.toThrow(FencedError);
      await expect(b.checkFence(next.fence, 'committing a sink transaction')).resolves.toBeUndefined();
      expect(await b.checkpoints.latest('j1')).toEqual({ jobId: 'j1', checkpointId: 2, location: '/cp/b-2', timestamp: 2 });
      expect(await b.jobGraphs.get('j9')).toBeUndefined();
      await eventually('retrieval to follow the takeover', () => taskManager.current()?.token === next.token, f.waitMs);
      expect(taskManager.current()?.address).toBe('jm-b:6123');
      await taskManager.stop();
    }, 30_000);

    it('a leader that resigns hands over to the standby', async () => {
      const [a, b] = [await process(), await process()];
      const ca = await contend(a, 'jm-a');
      await eventually('jm-a to lead', () => ca.contender.current !== undefined, f.waitMs);
      const cb = await contend(b, 'jm-b');
      await ca.election.close();
      expect(ca.contender.events.at(-1)).toBe('revoked');
      await eventually('jm-b to lead', () => cb.contender.current !== undefined, f.waitMs);
    }, 30_000);

    it('keeps the latest completed checkpoint pointers, the retained number of them', async () => {
      const a = await process();
      const ca = await contend(a, 'jm-a');
      await eventually('jm-a to lead', () => ca.contender.current !== undefined, f.waitMs);
      const fence = ca.contender.current!.fence;
      const store = new HighAvailabilityServices(a.store, { clusterId, retainedCheckpoints: 2 }).checkpoints;
      for (const id of [1, 2, 3, 10]) await store.add(fence, { jobId: 'j1', checkpointId: id, location: `/cp/${id}`, timestamp: id });
      await store.add(fence, { jobId: 'j2', checkpointId: 7, location: '/cp/j2-7', timestamp: 7 });
      expect((await store.all('j1')).map((p) => p.checkpointId)).toEqual([3, 10]);
      await store.add(fence, { jobId: 'j1', checkpointId: 5, location: '/cp/5', timestamp: 5 }); // completes late
      expect((await store.all('j1')).map((p) => p.checkpointId)).toEqual([5, 10]);
      await store.add(fence, { jobId: 'j1', checkpointId: 4, location: '/cp/4', timestamp: 4 }); // older than every retained one
      expect((await store.all('j1')).map((p) => p.checkpointId)).toEqual([5, 10]);
      expect((await store.latest('j1'))?.location).toBe('/cp/10');
      expect((await store.latest('j2'))?.location).toBe('/cp/j2-7');
      await store.discard(fence, 'j1');
      expect(await store.latest('j1')).toBeUndefined();
    }, 30_000);

    it('a recovered leader finds the running jobs and their latest checkpoints, not the ended ones', async () => {
      const [a, b] = [await process(), await process()];
      const ca = await contend(a, 'jm-a');
      await eventually('jm-a to lead', () => ca.contender.current !== undefined, f.waitMs);
      const fa = ca.contender.current!.fence;
      for (const id of ['j1', 'j2', 'j3']) await a.jobGraphs.put(fa, job(id));
      await a.checkpoints.add(fa, { jobId: 'j1', checkpointId: 4, location: '/cp/j1-4', timestamp: 4 });
      await a.jobResults.record(fa, { jobId: 'j2', state: 'finished', timestamp: 5 });
      await a.jobGraphs.put(fa, { ...job('j3'), state: 'cancelling' });

      const cb = await contend(b, 'jm-b');
      await f.expireLeaseOf(a, fa.key);
      await eventually('jm-b to lead', () => cb.contender.current !== undefined, f.waitMs);
      expect((await b.jobGraphs.list()).map((j) => [j.jobId, j.state])).toEqual([
        ['j1', 'running'],
        ['j3', 'cancelling'],
      ]);
      expect(await b.jobGraphs.get('j1')).toEqual(job('j1'));
      expect((await b.checkpoints.latest('j1'))?.location).toBe('/cp/j1-4');
      expect(await b.jobResults.get('j2')).toEqual({ jobId: 'j2', state: 'finished', timestamp: 5 });
      expect(await b.jobGraphs.get('j2')).toBeUndefined();
      await expect(a.jobResults.record(fa, { jobId: 'j1', state: 'failed', timestamp: 6, error: 'late' })).rejects.toThrow(FencedError);
      expect(await b.jobResults.get('j1')).toBeUndefined();
    }, 30_000);

    it('a TaskManager whose lease ends leaves the registry, is told, and its late writes are fenced', async () => {
      const [jm, tm1, tm2] = [await process(), await process(), await process()];
      const seen: string[][] = [];
      const unwatch = await jm.taskManagers.watch((tms) => seen.push(tms.map((t) => t.id)));
      const lost: string[] = [];
      const info = (id: string, slots: number): TaskManagerInfo => ({ id, address: `127.0.0.1:${id === 'tm1' ? 7001 : 7002}`, slots });
      const r1 = await tm1.taskManagers.register(info('tm1', 2), { ttlSeconds: TTL, onLost: (reason) => lost.push(reason) });
      const r2 = await tm2.taskManagers.register(info('tm2', 4), { ttlSeconds: TTL, onLost: () => undefined });
      await eventually('both TaskManagers seen', () => seen.at(-1)?.length === 2, f.waitMs);
      await r1.update(info('tm1', 1));
      await r1.check('committing tm1 sink');
      expect(await jm.taskManagers.list()).toEqual([info('tm1', 1), info('tm2', 4)]);

      await f.expireLeaseOf(tm1, r1.fence.key);
      await eventually('tm1 removed', () => seen.at(-1)?.join() === 'tm2', f.waitMs);
      await eventually('tm1 told', () => lost.length === 1, f.waitMs + TTL * 1000);
      await expect(r1.update(info('tm1', 2))).rejects.toThrow(FencedError);
      await expect(tm1.checkFence(r1.fence, 'committing tm1 sink')).rejects.toThrow(FencedError);
      await expect(r1.check('committing tm1 sink')).rejects.toThrow(FencedError);
      expect(await jm.taskManagers.list()).toEqual([info('tm2', 4)]);

      // Registering again is a new registration: a new fence, and the old one still refused.
      const again = await tm1.taskManagers.register(info('tm1', 2), { ttlSeconds: TTL, onLost: () => undefined });
      expect(isNewerToken(again.fence.token, r1.fence.token)).toBe(true);
      await expect(r1.update(info('tm1', 9))).rejects.toThrow(FencedError);
      // A TaskManager restarted with the same id before its old lease ended takes the id over.
      const restarted = await tm2.taskManagers.register(info('tm2', 3), { ttlSeconds: TTL, onLost: () => undefined });
      await expect(r2.update(info('tm2', 4))).rejects.toThrow(FencedError);
      await expect(r2.check('committing tm2 sink')).rejects.toThrow(FencedError);
      await restarted.update(info('tm2', 2));
      expect(await jm.taskManagers.list()).toEqual([info('tm1', 2), info('tm2', 2)]);
      await r2.close();
      await restarted.close();
      await again.close();
      await eventually('both gone', () => seen.at(-1)?.length === 0, f.waitMs);
      await unwatch();
    }, 30_000);
  });
}
