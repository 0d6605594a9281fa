import { jobsToRecover, recordJobEnd } from '../../lib/cluster/JobRecovery';
import { FencedError } from '../../lib/ha/FencedError';
import { HighAvailabilityServices, JOB_MANAGER } from '../../lib/ha/HighAvailabilityServices';
import { JobGraphRecord } from '../../lib/ha/JobGraphStore';
import { Leadership } from '../../lib/ha/LeaderElection';
import { InMemoryCoordinationStore } from '../../lib/ha/memory/InMemoryCoordinationStore';
import { ManualClock } from '../../lib/time/ManualClock';

/** What a new leader finds in the coordination store to run again (one in-memory store, as one etcd). */
describe('the jobs a new leader recovers', () => {
  const clock = new ManualClock(1_000);
  let store: InMemoryCoordinationStore;
  let ha: HighAvailabilityServices;
  let leadership: Leadership;

  const job = (jobId: string, extra: Partial<JobGraphRecord> = {}): JobGraphRecord => ({
    jobId,
    jobFile: '/jobs/job.js',
    args: ['--out', '/data'],
    parallelism: 2,
    fingerprint: 'f1',
    state: 'running',
    submittedAt: clock.now(),
    ...extra,
  });

  beforeEach(async () => {
    store = new InMemoryCoordinationStore();
    ha = new HighAvailabilityServices(store, { clusterId: 'test', clock, retainedCheckpoints: 2 });
    let granted!: (l: Leadership) => void;
    const leads = new Promise<Leadership>((resolve) => (granted = resolve));
    await ha.leaderElection(JOB_MANAGER, 'h:1', { ttlSeconds: 10 }).start({ grantLeadership: granted, revokeLeadership: () => undefined });
    leadership = await leads;
  });

  it('runs every recorded job again from its latest completed checkpoint, or from its savepoint or start before any', async () => {
    await ha.jobGraphs.put(leadership.fence, job('a'));
    await ha.jobGraphs.put(leadership.fence, job('b', { savepoint: { path: '/savepoints/sp-1', allowNonRestoredState: true } }));
    await ha.jobGraphs.put(leadership.fence, job('c'));
    for (const id of [3, 4, 5]) await ha.checkpoints.add(leadership.fence, { jobId: 'a', checkpointId: id, location: `/chk/a/chk-${id}`, timestamp: id });

    const jobs = await jobsToRecover(ha, leadership.fence, clock.now());
    expect(jobs.map((j) => [j.record.jobId, j.pointer?.checkpointId, j.restoreFrom])).toEqual([
      ['a', 5, { path: '/chk/a/chk-5', allowNonRestoredState: false }],
      ['b', undefined, { path: '/savepoints/sp-1', allowNonRestoredState: true }],
      ['c', undefined, undefined],
    ]);
    expect(jobs[0].record).toEqual(job('a'));
  });

  it('never runs again a job whose result is recorded, and records a job whose cancellation was asked as cancelled', async () => {
    await ha.jobGraphs.put(leadership.fence, job('done'));
    await ha.checkpoints.add(leadership.fence, { jobId: 'done', checkpointId: 7, location: '/chk/done/chk-7', timestamp: 7 });
    await recordJobEnd(ha, leadership.fence, { jobId: 'done', state: 'finished', timestamp: clock.now() });
    await ha.jobGraphs.put(leadership.fence, job('cancel-me', { state: 'cancelling' }));

    expect(await jobsToRecover(ha, leadership.fence, clock.now())).toEqual([]);
    expect(await ha.checkpoints.all('done')).toEqual([]);
    expect(await ha.jobResults.get('cancel-me')).toEqual({ jobId: 'cancel-me', state: 'cancelled', timestamp: 1_000 });
    expect(await ha.jobGraphs.list()).toEqual([]);
  });

  it('a job whose result is recorded beside a stale record is not run again', async () => {
    // A leader that recorded the result before the JobGraphStore write of a slower one landed.
    await ha.jobResults.record(leadership.fence, { jobId: 'x', state: 'failed', timestamp: 1, error: 'boom' });
    await ha.jobGraphs.put(leadership.fence, job('x'));
    expect(await jobsToRecover(ha, leadership.fence, clock.now())).toEqual([]);
  });

  it('a deposed leader cannot record a job end', async () => {
    await ha.jobGraphs.put(leadership.fence, job('a'));
    store.revokeLease((await store.get(leadership.fence.key))!.lease);
    await expect(recordJobEnd(ha, leadership.fence, { jobId: 'a', state: 'finished', timestamp: 2 })).rejects.toBeInstanceOf(FencedError);
    expect((await ha.jobGraphs.list()).map((j) => j.jobId)).toEqual(['a']);
  });
});
