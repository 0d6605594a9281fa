import { CheckpointPointer } from '../../lib/ha/CompletedCheckpointPointerStore';
import { FencedError } from '../../lib/ha/FencedError';
import { HighAvailabilityServices, JOB_MANAGER } from '../../lib/ha/HighAvailabilityServices';
import { Leadership } from '../../lib/ha/LeaderElection';
import { InMemoryCoordinationStore } from '../../lib/ha/memory/InMemoryCoordinationStore';
import { CoordinatorHarness } from '../harness/CoordinatorHarness';

/**
 * A leader records each completed checkpoint's pointer in the coordination store, fenced by its
 * leadership, before any sink hears the checkpoint is complete: a deposed leader's record fails
 * and its sinks never commit.
 */
describe('a checkpoint completed under high availability', () => {
  async function leaderOn(store: InMemoryCoordinationStore): Promise<{ ha: HighAvailabilityServices; leadership: Leadership }> {
    const ha = new HighAvailabilityServices(store, { clusterId: 'test' });
    const election = ha.leaderElection(JOB_MANAGER, 'h:1', { ttlSeconds: 10 });
    let granted!: (l: Leadership) => void;
    const leads = new Promise<Leadership>((resolve) => (granted = resolve));
    await election.start({ grantLeadership: granted, revokeLeadership: () => undefined });
    return { ha, leadership: await leads };
  }

  function harnessRecordingTo(ha: HighAvailabilityServices, leadership: Leadership, order: string[]): CoordinatorHarness {
    const h = new CoordinatorHarness(undefined, {}, 2, async (checkpointId, location, timestamp) => {
      const pointer: CheckpointPointer = { jobId: 'job', checkpointId, location: location ?? '', timestamp };
      await ha.checkpoints.add(leadership.fence, pointer);
      order.push(`recorded ${checkpointId}`);
    });
    const notify = h.notifiedComplete.push.bind(h.notifiedComplete);
    h.notifiedComplete.push = (...ids: number[]) => {
      order.push(...ids.map((id) => `notified ${id}`));
      return notify(...ids);
    };
    return h;
  }

  async function completeOne(h: CoordinatorHarness): Promise<number> {
    h.trigger();
    await h.settle();
    const id = h.lastBarrier.checkpointId;
    h.acknowledge(0, id, undefined);
    h.acknowledge(1, id, undefined);
    await h.settle();
    return id;
  }

  it('is recorded by the leader before subtasks are told it is complete', async () => {
    const store = new InMemoryCoordinationStore();
    const { ha, leadership } = await leaderOn(store);
    const order: string[] = [];
    const h = harnessRecordingTo(ha, leadership, order);
    const id = await completeOne(h);
    expect(order).toEqual([`recorded ${id}`, `notified ${id}`]);
    expect((await ha.checkpoints.latest('job'))?.checkpointId).toBe(id);
  });

  it('is neither recorded nor announced by a deposed leader: it is aborted, and no sink commits', async () => {
    const store = new InMemoryCoordinationStore();
    const { ha, leadership } = await leaderOn(store);
    const order: string[] = [];
    const h = harnessRecordingTo(ha, leadership, order);
    const first = await completeOne(h);

    // The leader's lease ends (a pause past its TTL): its key, and so its fence, is gone.
    const leaderKey = await store.get(leadership.fence.key);
    store.revokeLease(leaderKey!.lease);

    const second = await completeOne(h);
    expect(order).toEqual([`recorded ${first}`, `notified ${first}`]);
    expect([...h.notifiedComplete]).toEqual([first]);
    expect(h.notifiedAborted).toEqual([second]);
    expect((await ha.checkpoints.latest('job'))?.checkpointId).toBe(first);
    await expect(ha.checkpoints.add(leadership.fence, { jobId: 'job', checkpointId: 99, location: '', timestamp: 0 })).rejects.toBeInstanceOf(FencedError);
  });
  it('a record that fails is a failed checkpoint: it counts toward the tolerable failures, and the job failure says why', async () => {
    const h = new CoordinatorHarness(undefined, { tolerableCheckpointFailureNumber: 0 }, 2, () => Promise.reject(new Error('the fence is gone')));
    await completeOne(h);
    expect(h.jobFailures.map((e) => e.message)).toEqual([
      expect.stringContaining('the latest checkpoint failed: cannot record it as completed: the fence is gone'),
    ]);
  });
});
