import { JobStatus, isGloballyTerminal } from '../lib/api/JobStatus';
import { generateJobPlan, JobPlan } from '../lib/graph/JsonPlanGenerator';
import { ShipStrategy } from '../lib/partitioners/StreamPartitioner';
import { ExecutionState } from '../lib/runtime/ExecutionState';
import { TaskMetricsSnapshot } from '../lib/runtime/TaskMetrics';
import type { JobRun, TaskManagerInfo } from './JobManager';
import { TaskManagerMessage } from './messages';
import { TypedRef } from './nact';

/**
 * What the JobManager answers about its cluster and jobs (for the REST API, the dashboard and
 * the CLI). Answers are plain data built from the JobManager's state in one message turn;
 * live task metrics are then read from the TaskManagers by whoever asked (JobManagerGateway),
 * as Flink's MetricFetcher queries each TaskManager directly.
 */

export const EXECUTION_STATES: readonly ExecutionState[] = ['CREATED', 'DEPLOYING', 'RUNNING', 'FINISHED', 'CANCELING', 'CANCELED', 'FAILED'];

export interface TaskManagerOverview {
  readonly id: number;
  readonly slots: number;
  readonly freeSlots: number;
}

export interface JobOverview {
  readonly jobId: string;
  readonly name: string;
  readonly status: JobStatus;
  /** On the cluster's clock. */
  readonly startTime: number;
  readonly endTime: number | undefined;
  /** Subtasks per execution state. */
  readonly tasks: Readonly<Record<ExecutionState, number>>;
}

export interface ClusterOverview {
  /** The cluster clock's time when the JobManager answered. */
  readonly now: number;
  readonly taskManagers: readonly TaskManagerOverview[];
  readonly jobs: readonly JobOverview[];
}

export interface InputChannelSource {
  readonly channel: number;
  readonly edgeId: number;
  readonly producerVertexId: number;
  readonly producerSubtaskIndex: number;
}

export interface SubtaskSnapshot {
  readonly subtaskIndex: number;
  readonly executionId: string;
  readonly taskManagerId: number;
  readonly state: ExecutionState;
  /** Live from the TaskManager when the job runs, else the last the subtask reported. */
  readonly metrics: TaskMetricsSnapshot | undefined;
  /** Which producer subtask feeds each input channel (to name the channel that holds a watermark back). */
  readonly inputChannels: readonly InputChannelSource[];
}

export interface VertexSnapshot {
  readonly id: number;
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** The chained operators, head first, and which of them hand records to the network. */
  readonly operators: ReadonlyArray<{ readonly name: string; readonly isChainTail: boolean }>;
  readonly subtasks: readonly SubtaskSnapshot[];
}

export interface EdgeSnapshot {
  readonly id: number;
  readonly sourceVertexId: number;
  readonly targetVertexId: number;
  readonly shipStrategy: ShipStrategy;
  readonly sideOutput: string | undefined;
}

export type CheckpointStatus = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

export interface CheckpointStats {
  readonly id: number;
  readonly status: CheckpointStatus;
  readonly isSavepoint: boolean;
  readonly triggerTimestamp: number;
  readonly latestAckTimestamp: number | undefined;
  /** Trigger to last acknowledgement (or to now while in progress). */
  readonly endToEndDurationMs: number;
  /** Bytes of state, as far as known (estimated for in-memory state). */
  readonly stateSize: number;
  readonly numSubtasks: number;
  readonly numAcknowledgedSubtasks: number;
  readonly failureMessage?: string;
}

/**
 * Checkpoint statistics of one job (Flink's CheckpointStatsSnapshot), for
 * /jobs/:id/checkpoints. Filled by the CheckpointCoordinator (issue 4); absent while a job has
 * no checkpointing.
 */
export interface CheckpointStatsSnapshot {
  readonly counts: { readonly restored: number; readonly total: number; readonly inProgress: number; readonly completed: number; readonly failed: number };
  readonly latestCompleted: CheckpointStats | undefined;
  readonly latestSavepoint: CheckpointStats | undefined;
  readonly latestFailed: CheckpointStats | undefined;
  readonly restored: { readonly id: number; readonly restoreTimestamp: number; readonly isSavepoint: boolean } | undefined;
  /** Most recent first, bounded (Flink keeps web.checkpoints.history = 10). */
  readonly history: readonly CheckpointStats[];
}

export interface JobSnapshot {
  readonly now: number;
  readonly overview: JobOverview;
  readonly failure: string | undefined;
  readonly plan: JobPlan;
  readonly vertices: readonly VertexSnapshot[];
  readonly edges: readonly EdgeSnapshot[];
  readonly checkpoints: CheckpointStatsSnapshot | undefined;
}

/** A job snapshot plus the TaskManagers that run its subtasks now (none once it ended). */
export interface JobSnapshotReply {
  readonly snapshot: JobSnapshot;
  readonly liveTaskManagers: ReadonlyArray<{ readonly id: number; readonly ref: TypedRef<TaskManagerMessage> }>;
}

export function clusterOverview(now: number, taskManagers: Iterable<TaskManagerInfo>, jobs: Iterable<JobRun>): ClusterOverview {
  return {
    now,
    taskManagers: [...taskManagers].sort((a, b) => a.id - b.id).map((tm) => ({ id: tm.id, slots: tm.slots, freeSlots: tm.slots - tm.usedSlots })),
    jobs: [...jobs].map(jobOverview),
  };
}

export function jobOverview(job: JobRun): JobOverview {
  const tasks = Object.fromEntries(EXECUTION_STATES.map((s) => [s, 0])) as Record<ExecutionState, number>;
  for (const r of job.executions.values()) tasks[r.state]++;
  return {
    jobId: job.submission.jobId,
    name: job.submission.jobGraph.jobName,
    status: job.status,
    startTime: job.startTime,
    endTime: job.endTime,
    tasks,
  };
}

export function jobSnapshotReply(now: number, job: JobRun, taskManagers: ReadonlyMap<number, TaskManagerInfo>): JobSnapshotReply {
  const { jobGraph, jobId } = job.submission;
  const executions = [...job.executions.values()];
  const vertices: VertexSnapshot[] = jobGraph.vertices.map((v) => {
    const chained = new Set(v.chainedEdges.map((e) => e.sourceId));
    return {
      id: v.id,
      name: v.name,
      parallelism: v.parallelism,
      maxParallelism: v.maxParallelism,
      operators: v.nodes.map((n) => ({ name: n.name, isChainTail: !chained.has(n.id) })),
      subtasks: executions
        .filter((r) => r.execution.vertex === v)
        .sort((a, b) => a.execution.subtaskIndex - b.execution.subtaskIndex)
        .map((r) => ({
          subtaskIndex: r.execution.subtaskIndex,
          executionId: r.executionId,
          taskManagerId: r.taskManagerId,
          state: r.state,
          metrics: r.metrics,
          inputChannels: r.execution.inputChannels.map((c) => ({
            channel: c.index,
            edgeId: c.edge.id,
            producerVertexId: c.producer.vertex.id,
            producerSubtaskIndex: c.producer.subtaskIndex,
          })),
        })),
    };
  });
  const live = isGloballyTerminal(job.status) ? [] : [...job.slotsByTaskManager.keys()].sort((a, b) => a - b);
  return {
    snapshot: {
      now,
      overview: jobOverview(job),
      failure: job.failure?.message,
      plan: generateJobPlan(jobId, jobGraph),
      vertices,
      edges: jobGraph.edges.map((e) => ({
        id: e.id,
        sourceVertexId: e.source.id,
        targetVertexId: e.target.id,
        shipStrategy: e.shipStrategy,
        sideOutput: e.streamEdge.outputTag?.id,
      })),
      checkpoints: job.checkpoints,
    },
    liveTaskManagers: live.map((id) => ({ id, ref: taskManagers.get(id)!.ref })),
  };
}
