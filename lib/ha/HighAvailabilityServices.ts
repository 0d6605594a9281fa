import { CompletedCheckpointPointerStore, DefaultCompletedCheckpointPointerStore } from './CompletedCheckpointPointerStore';
import { CoordinationStore } from './CoordinationStore';
import { DefaultLeaderElection } from './DefaultLeaderElection';
import { Fence } from './FencingToken';
import { HaKeys } from './HaKeys';
import { DefaultJobGraphStore, JobGraphStore } from './JobGraphStore';
import { DefaultJobResultStore, JobResultStore } from './JobResultStore';
import { LeaderElection, LeaderElectionOptions } from './LeaderElection';
import { DefaultLeaderRetrieval, LeaderRetrieval } from './LeaderRetrieval';
import { DefaultTaskManagerRegistry, TaskManagerRegistry } from './TaskManagerRegistry';
import { checkFence } from './fencedTransaction';
import { Clock } from '../time/Clock';
import { systemClock } from '../time/SystemClock';
import { checkArgument } from '../util/checkArgument';

/** The JobManager's service name in leader election. */
export const JOB_MANAGER = 'jobmanager';

export interface HighAvailabilityOptions {
  /** Several brook clusters can share one etcd: each keeps its records under /brook/<clusterId>/. */
  readonly clusterId: string;
  /** Completed checkpoint pointers kept per job (Flink's state.checkpoints.num-retained). */
  readonly retainedCheckpoints?: number;
  /** Times retries; the system clock by default. */
  readonly clock?: Clock;
  /** Where problems the user must see go; stderr by default. */
  readonly warn?: (message: string) => void;
}

/**
 * Everything a JobManager and its TaskManagers keep in the coordination service, as Flink's
 * HighAvailabilityServices: leader election and retrieval, the completed checkpoint pointers,
 * the submitted jobs and their results, the registered TaskManagers.
 */
export class HighAvailabilityServices {
  readonly keys: HaKeys;
  readonly checkpoints: CompletedCheckpointPointerStore;
  readonly jobGraphs: JobGraphStore;
  readonly jobResults: JobResultStore;
  readonly taskManagers: TaskManagerRegistry;

  private readonly clock: Clock;
  private readonly warn: (message: string) => void;

  constructor(
    readonly store: CoordinationStore,
    options: HighAvailabilityOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.warn = options.warn ?? ((message) => process.stderr.write(`brook: warning: ${message}\n`));
    const retained = options.retainedCheckpoints ?? 1;
    checkArgument(retained >= 1, `retainedCheckpoints ${retained} must be at least 1`);
    this.keys = HaKeys.forCluster(options.clusterId);
    this.checkpoints = new DefaultCompletedCheckpointPointerStore(store, this.keys, retained);
    this.jobGraphs = new DefaultJobGraphStore(store, this.keys);
    this.jobResults = new DefaultJobResultStore(store, this.keys);
    this.taskManagers = new DefaultTaskManagerRegistry(store, this.keys);
  }

  /** Campaigns for `service` (the JobManager) publishing `address` when it leads. */
  leaderElection(service: string, address: string, options: LeaderElectionOptions): LeaderElection {
    checkArgument(
      Number.isInteger(options.ttlSeconds) && options.ttlSeconds >= 1,
      `lease TTL ${options.ttlSeconds} s must be a whole number of seconds, at least 1`,
    );
    return new DefaultLeaderElection(this.store, this.keys.leaderPrefix(service), address, options, this.clock, this.warn);
  }

  leaderRetrieval(service: string): LeaderRetrieval {
    return new DefaultLeaderRetrieval(this.store, this.keys.leaderPrefix(service));
  }

  /** Throws FencedError unless `fence` still holds: call it right before an external commit. */
  checkFence(fence: Fence, action: string): Promise<void> {
    return checkFence(this.store, fence, action);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
