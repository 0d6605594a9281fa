import { HeartbeatSettings } from './net/HeartbeatMonitor';

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
}

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
