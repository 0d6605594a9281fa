import type { MessagePort } from 'worker_threads';
import { ThreadJob } from '../../lib/cluster/ClusterFactory';
import { TaskRestore } from '../../lib/runtime/checkpoint/StateAssignment';
import { ExecutionState } from '../../lib/runtime/ExecutionState';
import { TaskConfig } from '../../lib/runtime/TaskConfig';
import { TaskMetricsSnapshot } from '../../lib/runtime/TaskMetrics';
import { JobManagerMessage, SubtaskMessage } from '../messages';

/**
 * What crosses threads between the JobManager (main thread) and TaskManagers on worker threads,
 * and between TaskManagers. Only structured-cloneable data: actor refs become addresses,
 * job vertices and partitioners become ids the worker resolves in its own identical JobGraph.
 */

/** Where a subtask runs. */
export interface SubtaskAddress {
  readonly taskManagerId: number;
  readonly executionId: string;
}

export interface ThreadWiring {
  readonly inputs: ReadonlyArray<{ readonly index: number; readonly producer: SubtaskAddress; readonly producerChannel: number }>;
  readonly outputs: ReadonlyArray<{
    readonly streamEdgeId: string;
    readonly channels: ReadonlyArray<{ readonly index: number; readonly consumer: SubtaskAddress; readonly consumerChannel: number }>;
  }>;
}

/** A subtask message as it crosses a thread: `start` with addresses, the rest as is. */
export type ThreadSubtaskMessage = { readonly type: 'start'; readonly wiring: ThreadWiring } | Exclude<SubtaskMessage, { readonly type: 'start' }>;

export interface ThreadDeployment {
  readonly jobId: string | undefined;
  readonly executionId: string;
  readonly vertexId: number;
  readonly subtaskIndex: number;
  readonly attemptNumber: number;
  readonly config: TaskConfig;
  /**
   * The subtask's share of the checkpoint or savepoint it starts from: operator states as
   * deserialized on the main thread (maps, arrays, plain values), structured-cloned to the thread.
   */
  readonly restore: TaskRestore | undefined;
}

/** A task failure as data; rebuilt as a TaskFailure with the same message on the main thread. */
export interface SerializedFailure {
  readonly taskName: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly causeName: string;
  readonly causeMessage: string;
  readonly causeStack: string | undefined;
}

export interface TaskManagerThreadData {
  readonly taskManagerId: number;
  readonly slots: number;
  readonly job: ThreadJob;
  /**
   * One MessagePort per other TaskManager running when this thread starts, for batches and
   * credit between them; threads started later send theirs in a `peer` message.
   */
  readonly peers: ReadonlyArray<{ readonly taskManagerId: number; readonly port: MessagePort }>;
}

/**
 * What the JobManager's proxy of a TaskManager sends it besides deployments, the same whether
 * the TaskManager is a thread or a process.
 */
export type TaskManagerCommand =
  /** Channel messages, and the checkpoint coordinator's trigger (a barrier), notifyCheckpointComplete and notifyCheckpointAborted. */
  | { readonly type: 'toSubtask'; readonly executionId: string; readonly message: ThreadSubtaskMessage }
  | { readonly type: 'release'; readonly jobId: string }
  | { readonly type: 'collectMetrics'; readonly jobId: string; readonly requestId: number }
  | { readonly type: 'describe'; readonly requestId: number };

/**
 * What a TaskManager reports to the JobManager, the same whether it is a thread or a process:
 * its subtasks' lifecycle, and answers to commands.
 */
export type TaskManagerReport =
  | { readonly type: 'deployed'; readonly jobId: string; readonly executionIds: readonly string[] }
  | {
      readonly type: 'subtaskState';
      readonly jobId: string;
      readonly executionId: string;
      readonly state: ExecutionState;
      readonly failure: SerializedFailure | undefined;
      readonly metrics: TaskMetricsSnapshot | undefined;
    }
  | { readonly type: 'released'; readonly jobId: string }
  /**
   * Any other JobManager message, plain data: checkpoint acknowledgements with their state
   * handle (the snapshot's bytes with in-memory storage, a file name in the checkpoint's
   * directory otherwise) and statistics, and declines.
   */
  | { readonly type: 'toJobManager'; readonly message: JobManagerMessage }
  | { readonly type: 'reply'; readonly requestId: number; readonly payload: unknown };

const reportTypes: Readonly<Record<TaskManagerReport['type'], true>> = {
  deployed: true,
  subtaskState: true,
  released: true,
  toJobManager: true,
  reply: true,
};

/** Whether a message from a TaskManager is one of its reports (told to the JobManager as they are on any transport). */
export function isTaskManagerReport(message: TaskManagerReport | { readonly type: string }): message is TaskManagerReport {
  return Object.hasOwn(reportTypes, message.type);
}

export type ToThread =
  | { readonly type: 'deploy'; readonly jobId: string; readonly deployments: readonly ThreadDeployment[] }
  | TaskManagerCommand
  /** A channel to another TaskManager thread, started (again, after its thread died) after this one. */
  | { readonly type: 'peer'; readonly taskManagerId: number; readonly port: MessagePort }
  | { readonly type: 'shutdown' };

export type FromThread =
  | { readonly type: 'ready'; readonly taskManagerId: number; readonly slots: number }
  | { readonly type: 'fatal'; readonly message: string }
  | TaskManagerReport
  | { readonly type: 'stdout' | 'stderr'; readonly text: string }
  | { readonly type: 'sinkResults'; readonly nodeId: number; readonly results: unknown }
  | { readonly type: 'closed' };

/** Between two TaskManager threads: a channel message or credit for one subtask. */
export interface PeerEnvelope {
  readonly to: string;
  readonly message: unknown;
}
