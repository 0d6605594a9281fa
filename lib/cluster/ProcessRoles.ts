import { HeartbeatSettings } from './net/HeartbeatMonitor';

/** High availability on etcd (`--ha etcd://h1:2379,h2:2379 --cluster-id ID`). */
export interface HaSettings {
  /** Client URLs of the etcd members, e.g. ['http://h1:2379', 'http://h2:2379']. */
  readonly endpoints: readonly string[];
  /** Clusters sharing one etcd keep apart by this id. */
  readonly clusterId: string;
  /**
   * The lease TTL of this process's key: a JobManager's leadership, or a TaskManager's
   * registration (which the leader watches: a TaskManager that stopped renewing it for this long
   * is lost, and fenced out).
   */
  readonly leaseTtlSeconds: number;
}

export interface JobManagerProcessOptions {
  /** The address the JobManager's port listens on (default 127.0.0.1). */
  readonly host?: string;
  /** The port TaskManagers and clients connect to; 0 picks a free one. */
  readonly port: number;
  /** Serve the REST API and dashboard on this port (0: a free one); none when undefined. */
  readonly restPort?: number;
  readonly heartbeat?: HeartbeatSettings;
  /** How long a restarting job waits for a TaskManager to offer slots before it fails. */
  readonly slotRequestTimeoutMs?: number;
  /** Campaign for leadership among JobManagers on etcd; only the leader serves TaskManagers and clients. */
  readonly ha?: HaSettings;
  /** Told when this JobManager gains or loses leadership (HA only), for the user to see. */
  readonly onLeadership?: (event: LeadershipEvent) => void;
}

export type LeadershipEvent = { readonly type: 'granted'; readonly token: string } | { readonly type: 'revoked'; readonly reason: string };

export interface RunningJobManager {
  readonly port: number;
  readonly restUrl: string | undefined;
  /** Cancels the jobs, stops the TaskManagers' connections and the port. */
  shutdown(): Promise<void>;
}

export interface TaskManagerProcessOptions {
  readonly jobManagerHost: string;
  readonly jobManagerPort: number;
  readonly slots: number;
  /** The address other TaskManagers reach this one's channels on (default 127.0.0.1). */
  readonly dataHost?: string;
  readonly heartbeat?: HeartbeatSettings;
}

/** A TaskManager that finds the leading JobManager in etcd and follows its changes (`--ha`). */
export interface HaTaskManagerOptions extends Omit<TaskManagerProcessOptions, 'jobManagerHost' | 'jobManagerPort'> {
  readonly ha: HaSettings;
  /** Told at every registration (with each new leader), with the leader's address. */
  readonly onRegistered?: (taskManagerId: number, jobManager: string) => void;
  /**
   * Told when its registration's lease ended (paused past its TTL, cut off from etcd): it was
   * fenced out, stopped its subtasks and dropped its JobManager, and registers anew.
   */
  readonly onFenced?: (reason: string) => void;
}

export interface RunningTaskManager {
  /** Resolves with the id the JobManager gave it once its slots are offered (every running job defined). */
  readonly registered: Promise<number>;
  /** Resolves when the TaskManager stopped: with the reason (the JobManager was lost), or undefined when asked to stop. */
  readonly closed: Promise<Error | undefined>;
  stop(): void;
}

/** The JobManager and TaskManager of a cluster of processes, which actors/ provides (they need nact). */
export interface ProcessRoles {
  startJobManager(options: JobManagerProcessOptions): Promise<RunningJobManager>;
  startTaskManager(options: TaskManagerProcessOptions): Promise<RunningTaskManager>;
  startLeaderFollowingTaskManager(options: HaTaskManagerOptions): Promise<RunningTaskManager>;
}

let installed: ProcessRoles | undefined;

/** Plugs in the process roles; brook's main entry does. */
export function installProcessRoles(roles: ProcessRoles): void {
  installed = roles;
}

export function processRoles(): ProcessRoles {
  if (!installed) throw new Error("no JobManager or TaskManager to start: load brook from the package's main entry ('brook')");
  return installed;
}
