import { JobStatus, isGloballyTerminal } from '../api/JobStatus';
import { ExecutionVertex } from '../graph/ExecutionGraph';
import { generateJobPlan, JobPlan } from '../graph/JsonPlanGenerator';
import { ShipStrategy } from '../partitioners/StreamPartitioner';
import { CheckpointStatsSnapshot } from '../runtime/checkpoint/CheckpointStats';
import { ExecutionState } from '../runtime/ExecutionState';
import { TaskMetricsSnapshot } from '../runtime/TaskMetrics';
import { FailureRecord } from './ExceptionHistory';
import { JobSubmission } from './JobSubmission';
import { TaskManagerSlots } from './SlotPool';
import { TaskManagerLocation } from './TaskManagerLocation';

/**
 * What the JobManager answers about its cluster and jobs (for the REST API, the dashboard and
 * the CLI). Answers are plain data built from the JobManager's state in one message turn;
 * live task metrics are then read from the TaskManagers by whoever asked (the cluster's
 * gateway), as Flink's MetricFetcher queries each TaskManager directly.
 */

/** One subtask attempt as the JobManager follows it. */
export interface ExecutionRecord {
  /** `jobId:vertexId.subtask:attempt`, as the TaskManager knows the subtask. */
  readonly executionId: string;
  readonly execution: ExecutionVertex;
  readonly taskManagerId: number;
  readonly state: ExecutionState;
  readonly metrics: TaskMetricsSnapshot | undefined;
}

/** A job as the JobManager's queries see it; JobMaster implements it. */
export interface JobRun {
  readonly submission: JobSubmission;
  readonly executions: ReadonlyMap<string, ExecutionRecord>;
  readonly slotsByTaskManager: ReadonlyMap<number, number>;
  /** TaskManagers of those slots that were lost: nothing is asked of them. */
  readonly taskManagersLost: ReadonlySet<number>;
  readonly startTime: number;
  readonly status: JobStatus;
  readonly failure: Error | undefined;
  readonly endTime: number | undefined;
  /** Undefined when the job does not checkpoint. */
  readonly checkpoints: CheckpointStatsSnapshot | undefined;
  readonly numRestarts: number;
  readonly exceptionHistory: { readonly entries: readonly FailureRecord[]; readonly truncated: boolean };
}

export const EXECUTION_STATES: readonly ExecutionState[] = ['CREATED', 'DEPLOYING', 'RUNNING', 'FINISHED', 'CANCELING', 'CANCELED', 'FAILED'];

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

/** One TaskManager that offers slots, as the JobManager sees it. */
export interface TaskManagerStatus extends TaskManagerSlots {
  readonly location: TaskManagerLocation;
  /**
   * When the JobManager last heard the TaskManager's heartbeat, on the cluster's clock. One in
   * the JobManager's own process (in process or on a worker thread) sends none: it lives as
   * long as the process, so this is `now`, the time of the answer.
   */
  readonly lastHeartbeat: number;
  /** The slots each running job holds on it. */
  readonly jobSlots: ReadonlyArray<{ readonly jobId: string; readonly slots: number }>;
}

/** What the JobManager knows of a TaskManager beyond its slots. */
export interface TaskManagerPresence {
  readonly location: TaskManagerLocation;
  /** Undefined when it sends no heartbeat (it runs in the JobManager's process). */
  readonly lastHeartbeat: number | undefined;
}

export interface ClusterOverview {
  /** The cluster clock's time when the JobManager answered. */
  readonly now: number;
  readonly taskManagers: readonly TaskManagerStatus[];
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
  /** Where that TaskManager runs (undefined while the subtask is not placed on one the JobManager knows). */
  readonly taskManagerLocation: TaskManagerLocation | undefined;
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

export interface JobSnapshot {
  readonly now: number;
  readonly overview: JobOverview;
  readonly failure: string | undefined;
  readonly plan: JobPlan;
  readonly vertices: readonly VertexSnapshot[];
  readonly edges: readonly EdgeSnapshot[];
  readonly checkpoints: CheckpointStatsSnapshot | undefined;
  readonly numRestarts: number;
  /** The job's last failures, newest first; `truncated` when older ones were dropped. */
  readonly exceptions: { readonly entries: readonly FailureRecord[]; readonly truncated: boolean };
}

export function clusterOverview(
  now: number,
  slots: readonly TaskManagerSlots[],
  presence: (taskManagerId: number) => TaskManagerPresence | undefined,
  jobs: Iterable<JobRun>,
): ClusterOverview {
  const runs = [...jobs];
  const taskManagers = slots.map((tm): TaskManagerStatus => {
    const known = presence(tm.id);
    const jobSlots = runs
      .filter((j) => !isGloballyTerminal(j.status) && (j.slotsByTaskManager.get(tm.id) ?? 0) > 0)
      .map((j) => ({ jobId: j.submission.jobId, slots: j.slotsByTaskManager.get(tm.id)! }));
    return { ...tm, location: known?.location ?? { kind: 'inProcess' }, lastHeartbeat: known?.lastHeartbeat ?? now, jobSlots };
  });
  return { now, taskManagers, jobs: runs.map(jobOverview) };
}

/**
 * The TaskManagers that run the job's subtasks now (none once it ended): live metrics are theirs.
 * A lost one is left out: it would never answer, and a query waiting for it would stall until
 * its timeout while the job fails over.
 */
export function liveTaskManagerIds(job: JobRun): number[] {
  if (isGloballyTerminal(job.status)) return [];
  return [...job.slotsByTaskManager.keys()].filter((id) => !job.taskManagersLost.has(id)).sort((a, b) => a - b);
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

export function jobSnapshot(now: number, job: JobRun, locate: (taskManagerId: number) => TaskManagerLocation | undefined = () => undefined): JobSnapshot {
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
          taskManagerLocation: locate(r.taskManagerId),
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
  return {
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
    numRestarts: job.numRestarts,
    exceptions: { entries: [...job.exceptionHistory.entries], truncated: job.exceptionHistory.truncated },
  };
}
