import { JobExecutionResult } from '../lib/api/JobExecutionResult';
import { JobStatus } from '../lib/api/JobStatus';
import { JobGraph } from '../lib/graph/JobGraph';
import { StreamPartitioner } from '../lib/partitioners/StreamPartitioner';
import { CheckpointConfigData } from '../lib/runtime/checkpoint/CheckpointConfigData';
import { StateHandle, SubtaskCheckpointStats } from '../lib/runtime/checkpoint/CheckpointMetadata';
import { TaskFailure } from '../lib/runtime/errors';
import { RestartStrategyConfig } from '../lib/runtime/restart/RestartStrategy';
import { ExecutionState } from '../lib/runtime/ExecutionState';
import { TaskConfig } from '../lib/runtime/TaskConfig';
import { TaskMessage } from '../lib/runtime/TaskMessage';
import { TaskMetricsSnapshot } from '../lib/runtime/TaskMetrics';
import { TaskDescriptor } from '../lib/runtime/StreamTask';
import type { ClusterOverview, JobSnapshotReply } from './JobManagerQueries';
import { TypedRef } from './nact';
import { CheckpointStatsSnapshot } from '../lib/runtime/checkpoint/CheckpointStats';

/** The protocol between brook's actors: JobManager → TaskManagers → subtasks. */

export interface ActorTreeNode {
  readonly name: string;
  readonly path: string;
  readonly children: readonly ActorTreeNode[];
}

// ---- subtask

export interface SubtaskWiring {
  readonly inputs: ReadonlyArray<{ readonly index: number; readonly producer: TypedRef<SubtaskMessage>; readonly producerChannel: number }>;
  readonly outputs: ReadonlyArray<{
    readonly streamEdgeId: string;
    readonly partitioner: StreamPartitioner<unknown>;
    readonly channels: ReadonlyArray<{ readonly index: number; readonly consumer: TypedRef<SubtaskMessage>; readonly consumerChannel: number }>;
  }>;
}

export type SubtaskMessage =
  | TaskMessage
  | { readonly type: 'start'; readonly wiring: SubtaskWiring }
  | { readonly type: 'cancel' };

// ---- task manager

export interface SubtaskDeployment {
  readonly executionId: string;
  readonly descriptor: TaskDescriptor;
}

export type TaskManagerMessage =
  | { readonly type: 'deploy'; readonly jobId: string; readonly deployments: readonly SubtaskDeployment[] }
  | { readonly type: 'release'; readonly jobId: string }
  | { readonly type: 'collectMetrics'; readonly jobId: string; readonly replyTo: TypedRef<SubtaskMetricsReport> }
  | { readonly type: 'describe'; readonly replyTo: TypedRef<ActorTreeNode> };

export interface SubtaskMetricsReport {
  readonly taskManagerId: number;
  readonly subtasks: ReadonlyArray<{ readonly executionId: string; readonly state: ExecutionState; readonly metrics: TaskMetricsSnapshot }>;
}

// ---- job manager

/** How the JobManager tells the submitter what happens to its job. */
export interface JobListener {
  onStatusChange(status: JobStatus): void;
  onTerminated(outcome: { readonly result: JobExecutionResult } | { readonly error: Error }): void;
}

export interface JobSubmission {
  readonly jobId: string;
  readonly jobGraph: JobGraph;
  readonly config: TaskConfig;
  readonly listener: JobListener;
  /** Checkpointing settings; absent when the job does not checkpoint. */
  readonly checkpointing?: CheckpointConfigData;
  /** Absent: Flink's default (exponential-delay with checkpointing, none without). */
  readonly restartStrategy?: RestartStrategyConfig;
  /** Start from this savepoint or retained checkpoint (a directory holding `_metadata`). */
  readonly savepointRestore?: { readonly path: string; readonly allowNonRestoredState: boolean };
}

/** What a savepoint or checkpoint request resolves with. */
export type SnapshotOutcome = { readonly checkpointId: number; readonly path: string | undefined } | { readonly error: string };

export type JobManagerMessage =
  | { readonly type: 'registerTaskManager'; readonly taskManagerId: number; readonly slots: number; readonly ref: TypedRef<TaskManagerMessage> }
  | { readonly type: 'submitJob'; readonly submission: JobSubmission }
  | {
      readonly type: 'deployed';
      readonly jobId: string;
      readonly taskManagerId: number;
      readonly subtasks: ReadonlyArray<{ readonly executionId: string; readonly ref: TypedRef<SubtaskMessage> }>;
    }
  | {
      readonly type: 'subtaskState';
      readonly jobId: string;
      readonly executionId: string;
      readonly state: ExecutionState;
      readonly failure?: TaskFailure;
      readonly metrics?: TaskMetricsSnapshot;
    }
  | { readonly type: 'released'; readonly jobId: string; readonly taskManagerId: number }
  | { readonly type: 'cancelJob'; readonly jobId: string }
  | {
      readonly type: 'acknowledgeCheckpoint';
      readonly jobId: string;
      readonly executionId: string;
      readonly checkpointId: number;
      readonly state: StateHandle | undefined;
      readonly stats: SubtaskCheckpointStats;
    }
  | {
      readonly type: 'declineCheckpoint';
      readonly jobId: string;
      readonly executionId: string;
      readonly checkpointId: number;
      readonly reason: string;
      readonly countsAsFailure: boolean;
    }
  /** Checkpoint now; with a kind other than CHECKPOINT, a savepoint into `directory`. */
  | {
      readonly type: 'triggerSnapshot';
      readonly jobId: string;
      readonly kind: 'CHECKPOINT' | 'SAVEPOINT' | 'SAVEPOINT_SUSPEND';
      readonly directory: string | undefined;
      readonly replyTo: TypedRef<SnapshotOutcome>;
    }
  | { readonly type: 'checkpointStats'; readonly jobId: string; readonly replyTo: TypedRef<CheckpointStatsSnapshot | undefined> }
  /** The JobManager's own: a timer (checkpoint interval, timeout, restart backoff) fired. */
  | { readonly type: 'timer'; readonly jobId: string; readonly run: () => void }
  | { readonly type: 'describe'; readonly replyTo: TypedRef<ActorTreeNode> }
  // queries (REST API, dashboard, CLI): answered from the JobManager's state in one turn
  | { readonly type: 'requestClusterOverview'; readonly replyTo: TypedRef<ClusterOverview> }
  | { readonly type: 'requestJob'; readonly jobId: string; readonly replyTo: TypedRef<JobSnapshotReply | undefined> };
