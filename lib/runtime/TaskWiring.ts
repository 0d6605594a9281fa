import { StreamPartitioner } from '../partitioners/StreamPartitioner';
import { ChannelMessage } from './ChannelMessage';

/**
 * How a subtask is connected, given to it at start. The task knows nothing of actors or
 * threads: delivering a message and returning credit are functions the host provides.
 */
export interface TaskWiring {
  readonly inputs: readonly InputChannelEndpoint[];
  readonly outputs: readonly OutputEdgeEndpoint[];
}

export interface InputChannelEndpoint {
  readonly index: number;
  /** Gives the producer back credit for batches this task has processed. */
  returnCredit(credits: number): void;
}

export interface OutputEdgeEndpoint {
  /** The StreamEdge this network edge carries. */
  readonly streamEdgeId: string;
  readonly partitioner: StreamPartitioner<unknown>;
  readonly channels: readonly OutputChannelEndpoint[];
}

export interface OutputChannelEndpoint {
  readonly index: number;
  readonly consumerChannel: number;
  deliver(message: ChannelMessage): void;
}
