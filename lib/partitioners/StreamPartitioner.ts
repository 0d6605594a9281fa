import { SeededRandom } from '../util/SeededRandom';

/** Ship strategies as Flink names them in plans and the web UI. */
export type ShipStrategy = 'FORWARD' | 'REBALANCE' | 'RESCALE' | 'BROADCAST' | 'SHUFFLE' | 'GLOBAL' | 'HASH' | 'CUSTOM';

/**
 * Chooses the output channel of each record on one edge, for one producing subtask. The graph
 * keeps one prototype per edge; every producing subtask works on its own `copy()`, because
 * round-robin position and random state are per subtask.
 */
export interface StreamPartitioner<T> {
  readonly shipStrategy: ShipStrategy;
  /** Pointwise edges connect each producer to a subset of consumers (forward, rescale). */
  readonly isPointwise: boolean;
  /** Broadcast edges send every record to every channel; selectChannel is not used. */
  readonly isBroadcast: boolean;
  setup(numberOfChannels: number, random: SeededRandom): void;
  /** Told the consumer's maxParallelism when the graph is built (key-group partitioners need it). */
  configure?(maxParallelism: number): void;
  selectChannel(value: T): number;
  copy(): StreamPartitioner<T>;
}
