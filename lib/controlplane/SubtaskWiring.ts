import { StreamPartitioner } from '../partitioners/StreamPartitioner';
import { TaskDescriptor } from '../runtime/StreamTask';

/**
 * Whom a deployed subtask reads from and writes to, as the JobManager tells it at start. `R` is
 * how the host addresses a subtask (an actor reference for the nact cluster).
 */
export interface SubtaskWiring<R> {
  readonly inputs: ReadonlyArray<{ readonly index: number; readonly producer: R; readonly producerChannel: number }>;
  readonly outputs: ReadonlyArray<{
    readonly streamEdgeId: string;
    readonly partitioner: StreamPartitioner<unknown>;
    readonly channels: ReadonlyArray<{ readonly index: number; readonly consumer: R; readonly consumerChannel: number }>;
  }>;
}

/** One subtask attempt a TaskManager is asked to run. */
export interface SubtaskDeployment {
  readonly executionId: string;
  readonly descriptor: TaskDescriptor;
}
