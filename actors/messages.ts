import { ClusterOverview, JobSnapshot } from '../lib/controlplane/ClusterQueries';
import { JobSubmission, SnapshotOutcome } from '../lib/controlplane/JobSubmission';
import { SubtaskDeployment, SubtaskWiring } from '../lib/controlplane/SubtaskWiring';
import { StateHandle, SubtaskCheckpointStats } from '../lib/runtime/checkpoint/CheckpointMetadata';
import { TaskFailure } from '../lib/runtime/errors';
import { ExecutionState } from '../lib/runtime/ExecutionState';
import { TaskMessage } from '../lib/runtime/TaskMessage';
import { TaskMetricsSnapshot } from '../lib/runtime/TaskMetrics';
import { TypedRef } from './nact';
import { TaskManagerLocation } from '../lib/controlplane/TaskManagerLocation';
import { CheckpointStatsSnapshot } from '../lib/runtime/checkpoint/CheckpointStats';

/** The protocol between brook's actors: JobManager → TaskManagers → subtasks. */

export interface ActorTreeNode {
  readonly name: string;
  readonly path: string;
  readonly children: readonly ActorTreeNode[];
}

// ---- subtask

export type SubtaskRef = TypedRef<SubtaskMessage>;

export type SubtaskMessage = TaskMessage | { readonly type: 'start'; readonly wiring: SubtaskWiring<SubtaskRef> } | { readonly type: 'cancel' };

// ---- task manager

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

/** A job snapshot plus the TaskManagers that run its subtasks now (none once it ended). */
export interface JobSnapshotReply {
  readonly snapshot: JobSnapshot;
  readonly liveTaskManagers: ReadonlyArray<{ readonly id: number; readonly ref: TypedRef<TaskManagerMessage> }>;
}

export type JobManagerMessage =
  | {
      readonly type: 'registerTaskManager';
      readonly taskManagerId: number;
      readonly slots: number;
      readonly location: TaskManagerLocation;
      readonly ref: TypedRef<TaskManagerMessage>;
    }
  /** A TaskManager process's heartbeat reached the JobManager (the REST API shows when the last one did). */
  | { readonly type: 'taskManagerHeartbeat'; readonly taskManagerId: number }
  /** A TaskManager whose process died or whose heartbeats stopped: its slots are gone for good. */
  | { readonly type: 'taskManagerLost'; readonly taskManagerId: number }
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
  /** The JobManager's own: work a JobMaster posted to its mailbox (a timer fired, async work done). */
  | { readonly type: 'run'; readonly run: () => void }
  | { readonly type: 'describe'; readonly replyTo: TypedRef<ActorTreeNode> }
  // queries (REST API, dashboard, CLI): answered from the JobManager's state in one turn
  | { readonly type: 'requestClusterOverview'; readonly replyTo: TypedRef<ClusterOverview> }
  | { readonly type: 'requestJob'; readonly jobId: string; readonly replyTo: TypedRef<JobSnapshotReply | undefined> };
