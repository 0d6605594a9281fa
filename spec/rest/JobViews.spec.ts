import { EXECUTION_STATES } from '../../lib/controlplane/ClusterQueries';
import { CheckpointStatsSnapshot, CompletedCheckpointStats } from '../../lib/runtime/checkpoint/CheckpointStats';
import { ExecutionState } from '../../lib/runtime/ExecutionState';
import { aggregateState, checkpointsBody, jobSummary } from '../../lib/rest/JobViews';

function counts(c: Partial<Record<ExecutionState, number>>): Record<ExecutionState, number> {
  return Object.fromEntries(EXECUTION_STATES.map((s) => [s, c[s] ?? 0])) as Record<ExecutionState, number>;
}

describe('REST views of job snapshots', () => {
  it("aggregates subtask states into a task's state as Flink does", () => {
    expect(aggregateState(counts({ RUNNING: 3, FAILED: 1 }), 4)).toBe('FAILED');
    expect(aggregateState(counts({ RUNNING: 3, CANCELING: 1 }), 4)).toBe('CANCELING');
    expect(aggregateState(counts({ FINISHED: 3, CANCELED: 1 }), 4)).toBe('CANCELED');
    expect(aggregateState(counts({ RUNNING: 1, DEPLOYING: 3 }), 4)).toBe('RUNNING');
    expect(aggregateState(counts({ FINISHED: 2, RUNNING: 0, CREATED: 2 }), 4)).toBe('RUNNING');
    expect(aggregateState(counts({ FINISHED: 4 }), 4)).toBe('FINISHED');
    expect(aggregateState(counts({ DEPLOYING: 1, CREATED: 3 }), 4)).toBe('DEPLOYING');
    expect(aggregateState(counts({ CREATED: 4 }), 4)).toBe('CREATED');
  });

  it('reports a running job with end-time -1 and its duration so far', () => {
    const overview = { jobId: 'j', name: 'n', status: 'RUNNING' as const, startTime: 1000, endTime: undefined, tasks: counts({ RUNNING: 2, FINISHED: 1 }) };
    expect(jobSummary(overview, 4500)).toEqual({
      jid: 'j',
      name: 'n',
      state: 'RUNNING',
      'start-time': 1000,
      'end-time': -1,
      duration: 3500,
      tasks: { total: 3, created: 0, deploying: 0, running: 2, finished: 1, canceling: 0, canceled: 0, failed: 0 },
    });
    expect(jobSummary({ ...overview, status: 'FINISHED', endTime: 2000 }, 9999)).toMatchObject({ 'end-time': 2000, duration: 1000 });
  });

  it("turns checkpoint statistics into Flink's /jobs/:id/checkpoints body", () => {
    const completed = (checkpointId: number, stateSize: number, durationMs: number): CompletedCheckpointStats => ({
      checkpointId,
      kind: 'CHECKPOINT',
      triggerTime: checkpointId * 1000,
      durationMs,
      stateSize,
      numSubtasks: 9,
      maxAlignmentDurationMs: checkpointId * 7,
      maxSyncDurationMs: checkpointId * 3,
      maxAsyncDurationMs: checkpointId * 5,
      path: undefined,
    });
    const stats: CheckpointStatsSnapshot = {
      counts: { triggered: 3, inProgress: 0, completed: 2, failed: 1, restored: 0 },
      latestCompleted: completed(2, 300, 40),
      latestFailed: { checkpointId: 3, reason: 'declined by Task 3', failureTime: 3050 },
      latestRestored: undefined,
      history: [completed(1, 100, 20), completed(2, 300, 40)],
    };
    const body = checkpointsBody(stats);
    expect(body.counts).toEqual({ restored: 0, total: 3, in_progress: 0, completed: 2, failed: 1 });
    expect(body.summary).toEqual({ state_size: { min: 100, max: 300, avg: 200 }, end_to_end_duration: { min: 20, max: 40, avg: 30 } });
    expect(body.latest.completed).toEqual({
      id: 2,
      status: 'COMPLETED',
      is_savepoint: false,
      trigger_timestamp: 2000,
      latest_ack_timestamp: 2040,
      end_to_end_duration: 40,
      state_size: 300,
      num_subtasks: 9,
      num_acknowledged_subtasks: 9,
      max_alignment_duration: 14,
      max_sync_duration: 6,
      max_async_duration: 10,
    });
    expect(body.latest.failed).toMatchObject({
      id: 3,
      status: 'FAILED',
      trigger_timestamp: 3050,
      latest_ack_timestamp: -1,
      failure_message: 'declined by Task 3',
    });
    expect(body.latest.savepoint).toBeNull();
    expect(body.latest.restored).toBeNull();
    // Most recent first.
    expect(body.history.map((c) => c.id)).toEqual([2, 1]);
  });
});
