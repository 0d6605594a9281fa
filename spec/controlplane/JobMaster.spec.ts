import { JobSettings } from '../../lib/controlplane/JobSubmission';
import { CHECKPOINT_DEFAULTS } from '../../lib/runtime/checkpoint/CheckpointConfigData';
import { sourceOnlyJobGraph } from '../harness/CoordinatorHarness';
import { JobMasterHarness } from '../harness/JobMasterHarness';

/** Checkpoints every second into memory; one restart after 500 ms. */
const settings: JobSettings = {
  checkpointing: { intervalMs: 1000, storage: { type: 'memory' }, defaultSavepointDirectory: undefined, ...CHECKPOINT_DEFAULTS },
  restartStrategy: { type: 'fixed-delay', attempts: 1, delayMs: 500 },
};

/** Deploys the job, starts it and lets its subtasks report RUNNING. */
async function running(h: JobMasterHarness): Promise<void> {
  await h.settle();
  await h.deployAll();
  await h.report('RUNNING');
}

describe('JobMaster (on a manual clock, with a scripted host)', () => {
  it('deploys one subtask per slot, starts them once all are deployed, and finishes when every subtask finished', async () => {
    const h = new JobMasterHarness(sourceOnlyJobGraph(2), settings);
    await h.settle();
    expect(h.job.status).toBe('CREATED');
    // Two TaskManagers of one slot each: one subtask on each.
    expect([...h.pendingDeploys].map(([tm, d]) => [tm, d.length]).sort()).toEqual([
      [0, 1],
      [1, 1],
    ]);
    const [tm0] = [...h.pendingDeploys];
    h.job.onDeployed(
      tm0[0],
      tm0[1].map((d) => ({ executionId: d.executionId, ref: d.executionId })),
    );
    h.pendingDeploys.delete(tm0[0]);
    await h.settle();
    expect(h.started.size).toBe(0); // the other TaskManager has not answered yet
    await h.deployAll();
    expect(h.started.size).toBe(2);
    expect(h.job.status).toBe('RUNNING');

    await h.report('RUNNING');
    await h.report('FINISHED');
    expect(h.job.status).toBe('FINISHED');
    expect(h.outcome).toBeUndefined(); // not before every TaskManager released the job
    await h.releaseAll();
    expect(h.outcome).toMatchObject({ result: { jobId: 'job-under-test', numRestarts: 0 } });
    expect(h.statuses).toEqual(['CREATED', 'RUNNING', 'FINISHED']);
    expect(h.terminatedCalls).toBe(1);
  });

  it("tells each subtask the job's run (what its sinks fence on): the job id, or the run id a recovered job was given", async () => {
    const first = new JobMasterHarness(sourceOnlyJobGraph(2), settings);
    await first.settle();
    const recoveredSettings = { ...settings, runId: 'second-run' };
    const recovered = new JobMasterHarness(sourceOnlyJobGraph(2), recoveredSettings);
    await recovered.settle();
    const runs = (h: JobMasterHarness): Array<string | undefined> => [...h.pendingDeploys.values()].flat().map((d) => d.descriptor.jobId);
    expect(runs(first)).toEqual(['job-under-test', 'job-under-test']);
    expect(runs(recovered)).toEqual(['second-run', 'second-run']);
    // Still the job's id for the JobManager: its subtasks and its result.
    expect(recovered.currentExecutionIds().every((id) => id.startsWith('job-under-test:'))).toBe(true);
    expect(recovered.job.jobId).toBe('job-under-test');
  });

  it('restarts a failed job after the backoff, restored from the latest completed checkpoint, and then finishes', async () => {
    const h = new JobMasterHarness(sourceOnlyJobGraph(2), settings);
    await running(h);
    await h.advance(1000);
    expect(h.triggeredCheckpoints()).toEqual([1]);
    await h.acknowledgeAll(1);
    expect(h.job.checkpoints?.latestCompleted?.checkpointId).toBe(1);
    await h.advance(1000);
    expect(h.triggeredCheckpoints()).toEqual([1, 2]); // in progress when the failure comes

    const [first] = h.currentExecutionIds();
    await h.fail(first, 'boom');
    expect(h.job.status).toBe('RESTARTING');
    expect([...h.pendingReleases].sort()).toEqual([0, 1]);
    expect(h.job.checkpoints?.counts.failed).toBe(1); // checkpoint 2 was aborted
    await h.releaseAll();

    // The backoff runs from the moment every subtask is released.
    await h.advance(499);
    expect(h.pendingDeploys.size).toBe(0);
    await h.advance(1);
    const redeployed = [...h.pendingDeploys.values()].flat();
    expect(redeployed).toHaveLength(2);
    for (const d of redeployed) {
      expect(d.descriptor.attemptNumber).toBe(1);
      expect(d.descriptor.restore?.checkpointId).toBe(1);
    }
    expect(h.job.checkpoints?.latestRestored?.checkpointId).toBe(1);

    // Subtask states of the failed attempt no longer count.
    h.job.onSubtaskState(first, 'FAILED');
    await h.deployAll();
    await h.report('RUNNING');
    expect(h.job.status).toBe('RUNNING');
    await h.report('FINISHED');
    await h.releaseAll();
    expect(h.outcome).toMatchObject({ result: { numRestarts: 1 } });
    expect(h.statuses).toEqual(['CREATED', 'RUNNING', 'RESTARTING', 'RUNNING', 'FINISHED']);
    expect(h.terminatedCalls).toBe(1);
  });

  it("ignores a failed-over attempt's late acknowledgements: only the running attempt completes a checkpoint, and only it is told", async () => {
    const h = new JobMasterHarness(sourceOnlyJobGraph(2), settings);
    await running(h);
    const old = h.currentExecutionIds();
    await h.fail(old[0], 'its TaskManager was fenced out');
    await h.releaseAll();
    await h.advance(500);
    await h.deployAll();
    await h.report('RUNNING');
    const current = h.currentExecutionIds();
    expect(current).not.toEqual(old);
    await h.advance(1000);
    const [checkpointId] = h.triggeredCheckpoints().slice(-1);

    // The old attempt's subtasks (on a TaskManager paused past its lease) acknowledge it late.
    const stats = { alignmentDurationMs: 0, syncDurationMs: 0, asyncDurationMs: 0, stateSize: 0 };
    for (const id of old) h.job.onAcknowledge(id, checkpointId, undefined, stats);
    await h.settle();
    expect(h.job.checkpoints?.latestCompleted).toBeUndefined();

    await h.acknowledgeAll(checkpointId);
    expect(h.job.checkpoints?.latestCompleted?.checkpointId).toBe(checkpointId);
    const notified = h.told.filter((t) => t.message.type === 'notifyCheckpointComplete').map((t) => t.subtask);
    expect(notified.sort()).toEqual([...current].sort());
  });

  it('fails the job when the restart strategy is exhausted, naming the last failure', async () => {
    const h = new JobMasterHarness(sourceOnlyJobGraph(2), settings);
    await running(h);
    await h.fail(h.currentExecutionIds()[0], 'first failure');
    await h.releaseAll();
    await h.advance(500);
    await h.deployAll();
    await h.report('RUNNING');

    await h.fail(h.currentExecutionIds()[1], 'second failure');
    expect(h.job.status).toBe('FAILING');
    await h.releaseAll();
    expect(h.job.status).toBe('FAILED');
    expect(h.outcome).toBeDefined();
    expect('error' in h.outcome! && h.outcome.error.message).toMatch(/second failure/);
    expect(h.statuses).toEqual(['CREATED', 'RUNNING', 'RESTARTING', 'RUNNING', 'FAILING', 'FAILED']);
    // No timer of the failed job fires any more: no checkpoint, no deployment.
    const triggered = h.triggeredCheckpoints().length;
    await h.advance(10_000);
    expect(h.triggeredCheckpoints()).toHaveLength(triggered);
    expect(h.pendingDeploys.size).toBe(0);
    expect(h.terminatedCalls).toBe(1);
  });

  it('tells the reporter of the restart and of the failure that ended the job, and keeps both in the history', async () => {
    const h = new JobMasterHarness(sourceOnlyJobGraph(2), settings);
    await running(h);
    await h.advance(100);
    await h.fail(h.currentExecutionIds()[0], 'first failure');
    await h.releaseAll();
    await h.advance(500);
    await h.deployAll();
    await h.report('RUNNING');
    await h.advance(100);
    await h.fail(h.currentExecutionIds()[1], 'second failure');
    await h.releaseAll();
    expect(h.events.map((e) => ({ ...e, cause: /\w+ failure/.exec(e.type === 'checkpointDeclined' ? e.reason : e.cause)?.[0] }))).toEqual([
      {
        type: 'restarting',
        jobName: expect.any(String) as string,
        jobId: 'job-under-test',
        restart: 1,
        strategy: 'fixed-delay(1)',
        limited: true,
        backoffMs: 500,
        cause: 'first failure',
      },
      { type: 'failed', jobName: expect.any(String) as string, jobId: 'job-under-test', numRestarts: 1, cause: 'second failure' },
    ]);
    const history = h.job.exceptionHistory.entries.map((e) => ({
      timestamp: e.timestamp,
      restarted: e.restarted,
      message: /\w+ failure/.exec(e.message)?.[0],
    }));
    expect(history).toEqual([
      { timestamp: 700, restarted: false, message: 'second failure' },
      { timestamp: 100, restarted: true, message: 'first failure' },
    ]);
    expect(h.job.exceptionHistory.truncated).toBe(false);
  });

  it('cancels a running job once every TaskManager released it, and checkpoints stop', async () => {
    const h = new JobMasterHarness(sourceOnlyJobGraph(2), settings);
    await running(h);
    h.job.cancel();
    await h.settle();
    expect(h.job.status).toBe('CANCELLING');
    expect([...h.pendingReleases].sort()).toEqual([0, 1]);
    await h.releaseAll();
    expect(h.job.status).toBe('CANCELED');
    expect('error' in h.outcome! && h.outcome.error.message).toMatch(/cancelled/);
    await h.advance(10_000);
    expect(h.triggeredCheckpoints()).toEqual([]);
    expect(h.terminatedCalls).toBe(1);
  });

  it('cancels a job waiting out its restart backoff without deploying it again', async () => {
    const h = new JobMasterHarness(sourceOnlyJobGraph(2), settings);
    await running(h);
    await h.fail(h.currentExecutionIds()[0], 'boom');
    await h.releaseAll();
    await h.advance(100);
    h.job.cancel();
    await h.settle();
    expect(h.job.status).toBe('CANCELED');
    await h.advance(1000);
    expect(h.pendingDeploys.size).toBe(0);
    expect(h.statuses).toEqual(['CREATED', 'RUNNING', 'RESTARTING', 'CANCELED']);
  });
});
