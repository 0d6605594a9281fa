import { JobGraph } from '../graph/JobGraph';
import { TextWriter } from '../runtime/StreamOperator';
import { Clock } from '../time/Clock';
import { JobCluster } from './JobCluster';

/** A cluster in this thread: a JobManager and TaskManagers sharing one event loop. */
export interface LocalClusterConfig {
  readonly numberOfTaskManagers: number;
  readonly slotsPerTaskManager: number;
  readonly clock: Clock;
  readonly stdout: TextWriter;
  readonly stderr: TextWriter;
}

/** The job every TaskManager thread defines for itself from the job module. */
export interface ThreadJob {
  readonly module: string;
  readonly exportName: string;
  readonly params: unknown;
  readonly jobName: string;
  /** Environment options that shape the graph (parallelism…), as plain data. */
  readonly environment: Readonly<Record<string, number | undefined>>;
  /** The JobGraph fingerprint computed on the main thread: every thread's must be equal. */
  readonly fingerprint: string;
}

/** A JobManager on this thread with each TaskManager on a thread of its own, all running one job. */
export interface ThreadClusterConfig {
  readonly numberOfTaskManagers: number;
  readonly slotsPerTaskManager: number;
  readonly job: ThreadJob;
  /** This thread's JobGraph of that job: collect-style sinks' results are handed to its sinks. */
  readonly jobGraph: JobGraph;
  readonly stdout: TextWriter;
  readonly stderr: TextWriter;
}

/** Starts the clusters the DataStream API and the CLI run jobs on. */
export interface ClusterFactory {
  startLocal(config: LocalClusterConfig): JobCluster;
  /** Resolves once every TaskManager thread has defined the job and registered. */
  startOnThreads(config: ThreadClusterConfig): Promise<JobCluster>;
}

let installed: ClusterFactory | undefined;

/**
 * Plugs in the clusters that `execute()` starts. The package's main entry installs the nact
 * cluster when it is loaded; nothing else needs to call this.
 */
export function installClusterFactory(factory: ClusterFactory): void {
  installed = factory;
}

/** The installed cluster factory; a clear error when brook's API was loaded without its main entry. */
export function clusterFactory(): ClusterFactory {
  if (!installed) {
    throw new Error(
      "no cluster to run the job on: import brook's API from the package's main entry ('brook'), which plugs in the actor cluster, " +
        'or pass a cluster in the environment options',
    );
  }
  return installed;
}
