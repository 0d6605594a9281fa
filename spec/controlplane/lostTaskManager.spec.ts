import { liveTaskManagerIds } from '../../lib/controlplane/ClusterQueries';
import { JobSettings } from '../../lib/controlplane/JobSubmission';
import { CHECKPOINT_DEFAULTS } from '../../lib/runtime/checkpoint/CheckpointConfigData';
import { sourceOnlyJobGraph } from '../harness/CoordinatorHarness';
import { JobMasterHarness } from '../harness/JobMasterHarness';

const settings: JobSettings = {
  checkpointing: { intervalMs: 1000, storage: { type: 'memory' }, defaultSavepointDirectory: undefined, ...CHECKPOINT_DEFAULTS },
  restartStrategy: { type: 'fixed-delay', attempts: 3, delayMs: 500 },
};

async function running(h: JobMasterHarness): Promise<void> {
  await h.settle();
  await h.deployAll();
  await h.report('RUNNING');
}

/** The lost TaskManager's subtasks fail (its host reports them) and every TaskManager released the job. */
async function failOver(h: JobMasterHarness, tm: number): Promise<void> {
  await h.loseTaskManager(tm);
  const onLost = [...h.job.executions.values()].find((e) => e.taskManagerId === tm)!;
  await h.fail(onLost.executionId, `TaskManager ${tm} lost`);
  await h.releaseAll();
}

const deployedOn = (h: JobMasterHarness): number[] => [...h.pendingDeploys.keys()].sort();

describe('a JobMaster whose TaskManager is lost (manual clock, scripted host)', () => {
  it('restarts the job after the backoff on the TaskManagers that remain, never on the lost one', async () => {
    const h = new JobMasterHarness(sourceOnlyJobGraph(2), settings, 3);
    await running(h);
    expect([...h.job.slotsByTaskManager.keys()].sort()).toEqual([0, 1]);
    await failOver(h, 1);
    expect(h.job.status).toBe('RESTARTING');
    await h.advance(500);
    expect(deployedOn(h)).toEqual([0, 2]);
    await h.deployAll();
    await h.report('RUNNING');
    expect(h.job.status).toBe('RUNNING');
    expect(h.pool.overview()).toEqual([
      { id: 0, slots: 1, freeSlots: 0 },
      { id: 2, slots: 1, freeSlots: 0 },
    ]);
  });

  it('no longer names the lost TaskManager among those to ask for live metrics, while it restarts and after', async () => {
    const h = new JobMasterHarness(sourceOnlyJobGraph(2), settings, 3);
    await running(h);
    expect(liveTaskManagerIds(h.job)).toEqual([0, 1]);
    await h.loseTaskManager(1);
    expect(liveTaskManagerIds(h.job)).toEqual([0]);
    const onLost = [...h.job.executions.values()].find((e) => e.taskManagerId === 1)!;
    await h.fail(onLost.executionId, 'TaskManager 1 lost');
    await h.releaseAll();
    expect(h.job.status).toBe('RESTARTING');
    expect(liveTaskManagerIds(h.job)).toEqual([0]);
    await h.advance(500);
    await h.deployAll();
    await h.report('RUNNING');
    expect(liveTaskManagerIds(h.job)).toEqual([0, 2]);
  });

  it('waits for a TaskManager to register when the others have too few slots, then restarts on it', async () => {
    const h = new JobMasterHarness(sourceOnlyJobGraph(2), settings, 2, 10_000);
    await running(h);
    await failOver(h, 1);
    await h.advance(500);
    expect(deployedOn(h)).toEqual([]);
    await h.advance(9000);
    expect(h.job.status).toBe('RESTARTING');
    await h.registerTaskManager(7, 2);
    expect(deployedOn(h).length).toBeGreaterThan(0);
    expect(deployedOn(h)).not.toContain(1);
    await h.deployAll();
    await h.report('RUNNING');
    expect(h.job.status).toBe('RUNNING');
    await h.advance(10_000);
    expect(h.job.status).toBe('RUNNING'); // the slot request's timeout was cancelled
  });

  it('fails with a clear message when no slots come within the slot request timeout', async () => {
    const h = new JobMasterHarness(sourceOnlyJobGraph(2), settings, 2, 10_000);
    await running(h);
    await failOver(h, 1);
    await h.advance(500);
    await h.advance(9999);
    expect(h.job.status).toBe('RESTARTING');
    await h.advance(1);
    expect(h.job.status).toBe('FAILED');
    const error = h.outcome && 'error' in h.outcome ? h.outcome.error : undefined;
    expect(error?.message).toMatch(
      /the job lost TaskManager\(s\) 1 and no TaskManager offered enough slots within the slot request timeout of 10000 ms: .*needs 2 task slots .* only 1 of 1 are free/,
    );
    expect(h.pool.overview()).toEqual([{ id: 0, slots: 1, freeSlots: 1 }]);
  });

  it('is not restarted by a TaskManager that joins while it runs', async () => {
    const h = new JobMasterHarness(sourceOnlyJobGraph(2), settings, 2);
    await running(h);
    const deploymentsBefore = h.deployments.length;
    await h.registerTaskManager(9, 4);
    await h.advance(100);
    expect(h.deployments.length).toBe(deploymentsBefore);
    expect(h.pendingReleases.size).toBe(0);
    expect(h.job.status).toBe('RUNNING');
  });
});
