import { FromClient } from '../../lib/cluster/net/ClientProtocol';
import { TaskManagerCommand, TaskManagerReport, ThreadDeployment } from '../threads/protocol';

/**
 * What crosses TCP between brook processes, each message one frame (lib/cluster/net): the
 * JobManager and its TaskManagers (control), TaskManagers among themselves (channels), and a
 * client submitting a job file. The TaskManager side reuses the worker-thread messages
 * (deployments as data, subtask messages with addresses): a TaskManager process is a
 * TaskManager thread whose ports are sockets.
 */

/** Where a TaskManager takes channel connections from the others. */
export interface PeerAddress {
  readonly taskManagerId: number;
  readonly host: string;
  readonly port: number;
}

/**
 * The job a TaskManager defines for itself from the job file installed on its host: the same
 * file, arguments and default parallelism as the JobManager's, and the JobGraph fingerprint the
 * JobManager computed, which its own must equal.
 */
export interface ProcessJob {
  /** The job's key among the TaskManager's jobs (its fingerprint: deployments name it). */
  readonly key: string;
  readonly file: string;
  readonly args: readonly string[];
  readonly parallelism: number | undefined;
  readonly jobName: string;
  readonly fingerprint: string;
}

export type ToTaskManager =
  | { readonly type: 'registered'; readonly taskManagerId: number; readonly peers: readonly PeerAddress[]; readonly jobs: readonly ProcessJob[] }
  | { readonly type: 'heartbeat' }
  | { readonly type: 'defineJob'; readonly job: ProcessJob }
  /** The job terminated: its definition and cleanups go. */
  | { readonly type: 'jobEnded'; readonly key: string }
  | {
      readonly type: 'deploy';
      readonly jobId: string;
      readonly key: string;
      readonly deployments: readonly ThreadDeployment[];
      /** Every live TaskManager: connections that are missing are made now, never in the middle of an attempt. */
      readonly peers: readonly PeerAddress[];
    }
  | TaskManagerCommand
  | { readonly type: 'shutdown' };

export type FromTaskManager =
  | {
      readonly type: 'register';
      readonly slots: number;
      readonly dataHost: string;
      readonly dataPort: number;
      /** With HA: the id it registered under in the coordination service (its lease), watched by the JobManager. */
      readonly registration?: string;
    }
  | { readonly type: 'heartbeat' }
  /** Answers defineJob (and the jobs of `registered`): the job's definition, or why it was refused. */
  | { readonly type: 'jobDefined'; readonly key: string; readonly error: string | undefined }
  /** Every job of `registered` is defined (or refused): the slots may be offered. */
  | { readonly type: 'ready' }
  | TaskManagerReport
  | { readonly type: 'stdout' | 'stderr'; readonly key: string; readonly text: string }
  | { readonly type: 'sinkResults'; readonly key: string; readonly nodeId: number; readonly results: unknown }
  /** A channel connection to another TaskManager dropped: the jobs with channels over it must fail over. */
  | { readonly type: 'peerLost'; readonly taskManagerId: number; readonly reason: string; readonly jobIds: readonly string[] };

/** Between two TaskManagers: the first frame names the connecting one, then channel messages. */
export type PeerFrame =
  { readonly type: 'hello'; readonly taskManagerId: number } | { readonly type: 'channel'; readonly to: string; readonly message: unknown };

/** The first frame on the JobManager's port says who connects. */
export type ToJobManagerPort = FromTaskManager | FromClient;
