import { assertNever } from '../util/assertNever';

/**
 * Where a TaskManager runs, as the JobManager learnt it at registration: in the JobManager's
 * own process (a MiniCluster), on one of its worker threads, or in another OS process that
 * takes channel connections on host:dataPort.
 */
export type TaskManagerLocation =
  | { readonly kind: 'inProcess' }
  /** Numbered as the TaskManager: a thread that died is replaced by one that takes over its slots and number. */
  | { readonly kind: 'thread'; readonly threadNumber: number }
  | { readonly kind: 'process'; readonly host: string; readonly dataPort: number };

/** Flink's TaskManager "path": host:port for a process, else where in this process it runs. */
export function taskManagerPath(location: TaskManagerLocation): string {
  switch (location.kind) {
    case 'inProcess':
      return 'in process';
    case 'thread':
      return `thread ${location.threadNumber}`;
    case 'process':
      return `${location.host}:${location.dataPort}`;
    default:
      return assertNever(location, 'TaskManager location');
  }
}

/** The host a TaskManager runs on; 'localhost' for one inside the JobManager's process. */
export function taskManagerHost(location: TaskManagerLocation): string {
  return location.kind === 'process' ? location.host : 'localhost';
}

/** The port other TaskManagers send channel data to; -1 inside one process (channels stay in memory), as Flink's unset port. */
export function taskManagerDataPort(location: TaskManagerLocation): number {
  return location.kind === 'process' ? location.dataPort : -1;
}
