import { isGloballyTerminal } from '../api/JobStatus';
import {
  ClusterOverview,
  EXECUTION_STATES,
  JobOverview,
  JobSnapshot,
  SubtaskSnapshot,
  TaskManagerStatus,
  VertexSnapshot,
} from '../controlplane/ClusterQueries';
import { taskManagerDataPort, taskManagerHost, taskManagerPath } from '../controlplane/TaskManagerLocation';
import { CheckpointStatsSnapshot, CompletedCheckpointStats } from '../runtime/checkpoint/CheckpointStats';
import { backPressureLevel } from '../runtime/BackPressureGauge';
import { ExecutionState } from '../runtime/ExecutionState';
import { MIN_WATERMARK } from '../time/Watermark';
import { jobWatermark } from './jobWatermark';
import { MeterHistory } from './MeterHistory';
import {
  BackPressureLevel,
  CheckpointDetails,
  CheckpointsBody,
  JobDetailsBody,
  JobIdsBody,
  JobsOverviewBody,
  JobSummary,
  MinMaxAvg,
  OverviewBody,
  SubtaskDetails,
  TaskCounts,
  TaskManagerDetailsBody,
  TaskManagerInfo,
  TaskManagersBody,
  VertexDetailsBody,
  VertexSummary,
} from './RestTypes';
import { channelWatermarks, diagnoseWindowWait } from './WindowWaitDiagnosis';

/** Rates of one subtask over the last few seconds; null until there are two samples. */
export interface SubtaskRates {
  readonly recordsInPerSecond: number | null;
  readonly recordsOutPerSecond: number | null;
  /** Share of the time spent handling messages (Flink's busyTimeMsPerSecond / 1000), 0..1. */
  readonly busyRatio: number | null;
}

const NO_RATES: SubtaskRates = { recordsInPerSecond: null, recordsOutPerSecond: null, busyRatio: null };

/** Flink's thresholds (the subtask's BackPressureGauge): ok ≤ 10 %, low ≤ 50 %, high above; REST spells them lower-case. */
function restLevel(ratio: number | null): BackPressureLevel | null {
  return ratio === null ? null : (backPressureLevel(ratio).toLowerCase() as BackPressureLevel);
}

/** Turns job snapshots into the REST API's bodies; keeps the samples that per-second rates need. */
export class JobViews {
  private readonly meters: MeterHistory;

  constructor(rateWindowMs?: number) {
    this.meters = new MeterHistory(rateWindowMs);
  }

  /** Records a snapshot's counters (at the JobManager's clock time) and returns each subtask's rates. */
  rates(snapshot: JobSnapshot): ReadonlyMap<string, SubtaskRates> {
    const rates = new Map<string, SubtaskRates>();
    const jobKey = `${snapshot.overview.jobId}:`;
    if (isGloballyTerminal(snapshot.overview.status)) {
      this.meters.forget(jobKey);
      return rates;
    }
    for (const v of snapshot.vertices) {
      for (const s of v.subtasks) {
        if (!s.metrics) continue;
        const [inRate, outRate, busyMsPerSecond] = this.meters.record(s.executionId, snapshot.now, [
          s.metrics.numRecordsIn,
          s.metrics.numRecordsOut,
          s.metrics.busyTimeMs,
        ]);
        const busyRatio = busyMsPerSecond === null ? null : Math.min(1, Math.max(0, busyMsPerSecond / 1000));
        rates.set(s.executionId, { recordsInPerSecond: inRate, recordsOutPerSecond: outRate, busyRatio });
      }
    }
    return rates;
  }

  jobDetails(snapshot: JobSnapshot, rates: ReadonlyMap<string, SubtaskRates>): JobDetailsBody {
    const statusCounts = countStates(snapshot.vertices.flatMap((v) => v.subtasks.map((s) => s.state)));
    const vertices = snapshot.vertices.map((v) => vertexSummary(v, rates));
    return {
      ...jobSummary(snapshot.overview, snapshot.now),
      now: snapshot.now,
      checkpointing: snapshot.checkpoints !== undefined,
      'failure-cause': snapshot.failure ?? null,
      'num-restarts': snapshot.numRestarts,
      watermark: jobWatermark(snapshot.plan, vertices),
      vertices,
      'status-counts': statusCounts,
      plan: snapshot.plan,
    };
  }

  vertexDetails(snapshot: JobSnapshot, vertex: VertexSnapshot, rates: ReadonlyMap<string, SubtaskRates>): VertexDetailsBody {
    const names = new Map(snapshot.vertices.map((v) => [v.id, `Task ${v.id} (${v.name})`]));
    const vertexName = (id: number): string => names.get(id) ?? `Task ${id}`;
    return {
      id: String(vertex.id),
      name: vertex.name,
      parallelism: vertex.parallelism,
      now: snapshot.now,
      subtasks: vertex.subtasks.map((s) => subtaskDetails(vertex, s, rates.get(s.executionId) ?? NO_RATES, vertexName)),
    };
  }
}

export function overviewBody(cluster: ClusterOverview, version: string): OverviewBody {
  const count = (...states: JobOverview['status'][]): number => cluster.jobs.filter((j) => states.includes(j.status)).length;
  return {
    taskmanagers: cluster.taskManagers.length,
    'slots-total': cluster.taskManagers.reduce((n, tm) => n + tm.slots, 0),
    'slots-available': cluster.taskManagers.reduce((n, tm) => n + tm.freeSlots, 0),
    'jobs-running': cluster.jobs.length - count('FINISHED', 'CANCELED', 'FAILED'),
    'jobs-finished': count('FINISHED'),
    'jobs-cancelled': count('CANCELED'),
    'jobs-failed': count('FAILED'),
    'brook-version': version,
  };
}

export function jobIdsBody(cluster: ClusterOverview): JobIdsBody {
  return { jobs: cluster.jobs.map((j) => ({ id: j.jobId, status: j.status })) };
}

export function jobsOverviewBody(cluster: ClusterOverview): JobsOverviewBody {
  // Newest first, as Flink's job list.
  return { jobs: [...cluster.jobs].sort((a, b) => b.startTime - a.startTime).map((j) => jobSummary(j, cluster.now)) };
}

/** How the REST API names a TaskManager, in /taskmanagers and in each subtask's 'taskmanager-id'. */
export function taskManagerRestId(taskManagerId: number): string {
  return `taskmanager-${taskManagerId}`;
}

function taskManagerInfo(tm: TaskManagerStatus): TaskManagerInfo {
  return {
    id: taskManagerRestId(tm.id),
    path: taskManagerPath(tm.location),
    host: taskManagerHost(tm.location),
    dataPort: taskManagerDataPort(tm.location),
    timeSinceLastHeartbeat: tm.lastHeartbeat,
    slotsNumber: tm.slots,
    freeSlots: tm.freeSlots,
  };
}

export function taskManagersBody(cluster: ClusterOverview): TaskManagersBody {
  return { now: cluster.now, taskmanagers: cluster.taskManagers.map(taskManagerInfo) };
}

/** GET /taskmanagers/:id; undefined when no TaskManager offering slots has that id. */
export function taskManagerDetailsBody(cluster: ClusterOverview, restId: string): TaskManagerDetailsBody | undefined {
  const tm = cluster.taskManagers.find((t) => taskManagerRestId(t.id) === restId);
  if (!tm) return undefined;
  return { ...taskManagerInfo(tm), now: cluster.now, jobs: tm.jobSlots.map((j) => ({ jid: j.jobId, slots: j.slots })) };
}

export function jobSummary(job: JobOverview, now: number): JobSummary {
  return {
    jid: job.jobId,
    name: job.name,
    state: job.status,
    'start-time': job.startTime,
    'end-time': job.endTime ?? -1,
    duration: (job.endTime ?? now) - job.startTime,
    tasks: taskCounts(job.tasks),
  };
}

/** Flink's /jobs/:id/checkpoints body: latest and history most recent first. */
export function checkpointsBody(stats: CheckpointStatsSnapshot): CheckpointsBody {
  const history = [...stats.history].reverse();
  const latestOfKind = (savepoint: boolean): CompletedCheckpointStats | undefined => history.find((c) => (c.kind !== 'CHECKPOINT') === savepoint);
  const c = stats.counts;
  return {
    counts: { restored: c.restored, total: c.triggered, in_progress: c.inProgress, completed: c.completed, failed: c.failed },
    summary: {
      state_size: minMaxAvg(history.map((h) => h.stateSize)),
      end_to_end_duration: minMaxAvg(history.map((h) => h.durationMs)),
    },
    latest: {
      completed: orNull(latestOfKind(false), completedDetails),
      savepoint: orNull(latestOfKind(true), completedDetails),
      failed: orNull(stats.latestFailed, (f) => ({
        id: f.checkpointId,
        status: 'FAILED',
        is_savepoint: false,
        trigger_timestamp: f.failureTime,
        latest_ack_timestamp: -1,
        end_to_end_duration: 0,
        state_size: 0,
        num_subtasks: 0,
        num_acknowledged_subtasks: 0,
        max_alignment_duration: 0,
        max_sync_duration: 0,
        max_async_duration: 0,
        failure_message: f.reason,
      })),
      restored: orNull(stats.latestRestored, (r) => ({
        id: r.checkpointId,
        restore_timestamp: r.restoreTime,
        is_savepoint: r.path !== undefined && !/chk-\d+$/.test(r.path),
      })),
    },
    history: history.map(completedDetails),
  };
}

function orNull<T, U>(value: T | undefined, f: (v: T) => U): U | null {
  return value === undefined ? null : f(value);
}

function completedDetails(c: CompletedCheckpointStats): CheckpointDetails {
  return {
    id: c.checkpointId,
    status: 'COMPLETED',
    is_savepoint: c.kind !== 'CHECKPOINT',
    trigger_timestamp: c.triggerTime,
    latest_ack_timestamp: c.triggerTime + c.durationMs,
    end_to_end_duration: c.durationMs,
    state_size: c.stateSize,
    num_subtasks: c.numSubtasks,
    num_acknowledged_subtasks: c.numSubtasks,
    max_alignment_duration: c.maxAlignmentDurationMs,
    max_sync_duration: c.maxSyncDurationMs,
    max_async_duration: c.maxAsyncDurationMs,
  };
}

function minMaxAvg(values: readonly number[]): MinMaxAvg {
  if (values.length === 0) return { min: 0, max: 0, avg: 0 };
  return { min: Math.min(...values), max: Math.max(...values), avg: values.reduce((a, b) => a + b, 0) / values.length };
}

function countStates(states: readonly ExecutionState[]): Record<ExecutionState, number> {
  const counts = Object.fromEntries(EXECUTION_STATES.map((s) => [s, 0])) as Record<ExecutionState, number>;
  for (const s of states) counts[s]++;
  return counts;
}

function taskCounts(c: Readonly<Record<ExecutionState, number>>): TaskCounts {
  return {
    total: EXECUTION_STATES.reduce((n, s) => n + c[s], 0),
    created: c.CREATED,
    deploying: c.DEPLOYING,
    running: c.RUNNING,
    finished: c.FINISHED,
    canceling: c.CANCELING,
    canceled: c.CANCELED,
    failed: c.FAILED,
  };
}

/** Flink's aggregate state of a task from its subtasks' states (ExecutionJobVertex.getAggregateJobVertexState). */
export function aggregateState(c: Readonly<Record<ExecutionState, number>>, parallelism: number): ExecutionState {
  if (c.FAILED > 0) return 'FAILED';
  if (c.CANCELING > 0) return 'CANCELING';
  if (c.CANCELED > 0) return 'CANCELED';
  if (c.RUNNING > 0) return 'RUNNING';
  if (c.FINISHED > 0) return c.FINISHED === parallelism ? 'FINISHED' : 'RUNNING';
  if (c.DEPLOYING > 0) return 'DEPLOYING';
  return 'CREATED';
}

/** The watermark a subtask passes on: the lowest over the operators at the end of its chain. */
function outputWatermark(vertex: VertexSnapshot, s: SubtaskSnapshot): number {
  const ops = s.metrics?.operators ?? [];
  let wm = Number.POSITIVE_INFINITY;
  ops.forEach((o, i) => {
    if (vertex.operators[i]?.isChainTail) wm = Math.min(wm, o.currentOutputWatermark);
  });
  return wm === Number.POSITIVE_INFINITY ? MIN_WATERMARK : wm;
}

function maxOf(values: ReadonlyArray<number | null>): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : Math.max(...known);
}

function sumOf(values: ReadonlyArray<number | null>): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
}

function vertexSummary(v: VertexSnapshot, rates: ReadonlyMap<string, SubtaskRates>): VertexSummary {
  const states = countStates(v.subtasks.map((s) => s.state));
  const reported = v.subtasks.filter((s) => s.metrics);
  const r = v.subtasks.map((s) => rates.get(s.executionId) ?? NO_RATES);
  const ops = reported.flatMap((s) => s.metrics!.operators);
  const ratios = reported.map((s) => s.metrics!.backPressureRatio);
  const ratio = ratios.length === 0 ? null : Math.max(...ratios);
  const low = (f: (s: SubtaskSnapshot) => number): number => (reported.length === 0 ? MIN_WATERMARK : Math.min(...reported.map(f)));
  return {
    id: String(v.id),
    name: v.name,
    parallelism: v.parallelism,
    maxParallelism: v.maxParallelism,
    status: aggregateState(states, v.parallelism),
    tasks: taskCounts(states),
    metrics: {
      'read-records': reported.reduce((n, s) => n + s.metrics!.numRecordsIn, 0),
      'write-records': reported.reduce((n, s) => n + s.metrics!.numRecordsOut, 0),
      'read-records-per-second': sumOf(r.map((x) => x.recordsInPerSecond)),
      'write-records-per-second': sumOf(r.map((x) => x.recordsOutPerSecond)),
      'current-input-watermark': low((s) => s.metrics!.currentInputWatermark),
      'current-output-watermark': low((s) => outputWatermark(v, s)),
      'records-skipped': ops.reduce((n, o) => n + o.numRecordsSkipped, 0),
      'late-records-dropped': ops.reduce((n, o) => n + o.numLateRecordsDropped, 0),
      'backpressure-ratio': ratio,
      'backpressure-level': restLevel(ratio),
      'busy-ratio': maxOf(r.map((x) => x.busyRatio)),
      'window-held-back': reported.some((s) => {
        const wait = diagnoseWindowWait(s, () => '');
        return wait !== null && wait.kind !== 'open';
      }),
    },
  };
}

function subtaskDetails(vertex: VertexSnapshot, s: SubtaskSnapshot, rates: SubtaskRates, vertexName: (id: number) => string): SubtaskDetails {
  const m = s.metrics;
  const ops = m?.operators ?? [];
  return {
    subtask: s.subtaskIndex,
    status: s.state,
    attempt: 0,
    'taskmanager-id': taskManagerRestId(s.taskManagerId),
    host: s.taskManagerLocation ? taskManagerHost(s.taskManagerLocation) : null,
    endpoint: s.taskManagerLocation ? taskManagerPath(s.taskManagerLocation) : null,
    metrics: m
      ? {
          'read-records': m.numRecordsIn,
          'write-records': m.numRecordsOut,
          'read-batches': m.numBatchesIn,
          'write-batches': m.numBatchesOut,
          'read-records-per-second': rates.recordsInPerSecond,
          'write-records-per-second': rates.recordsOutPerSecond,
          'busy-ratio': rates.busyRatio,
          'records-skipped': ops.reduce((n, o) => n + o.numRecordsSkipped, 0),
          'late-records-dropped': ops.reduce((n, o) => n + o.numLateRecordsDropped, 0),
          'queued-input-messages': m.queuedInputMessages,
          'queued-output-batches': m.queuedOutputBatches,
        }
      : null,
    watermarks: m ? { input: m.currentInputWatermark, output: outputWatermark(vertex, s), channels: channelWatermarks(s, vertexName) } : null,
    backpressure: m ? { ratio: m.backPressureRatio, level: restLevel(m.backPressureRatio), 'back-pressured-time-ms': m.backPressuredTimeMs } : null,
    operators: ops.map((o) => ({
      name: o.operatorName,
      'records-in': o.numRecordsIn,
      'records-out': o.numRecordsOut,
      'records-skipped': o.numRecordsSkipped,
      'late-records-dropped': o.numLateRecordsDropped,
      'current-output-watermark': o.currentOutputWatermark,
      gauges: o.gauges ?? {},
    })),
    'window-wait': diagnoseWindowWait(s, vertexName),
  };
}
