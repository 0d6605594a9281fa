import { KeySelector } from '../core/functions';
import { assignKeyToParallelOperator } from './keyGroups';
import { StreamPartitioner } from './StreamPartitioner';

/** keyBy: key → key group (murmur of Java's hashCode) → the subtask that owns the group. */
export class KeyGroupStreamPartitioner<T, K> implements StreamPartitioner<T> {
  readonly shipStrategy = 'HASH' as const;
  readonly isPointwise = false;
  readonly isBroadcast = false;
  private channels = 1;

  /** `maxParallelism` is set by the graph builder to the consuming operator's (Flink does the same). */
  constructor(
    readonly keySelector: KeySelector<T, K>,
    private maxParallelism = -1,
  ) {}

  configure(maxParallelism: number): void {
    this.maxParallelism = maxParallelism;
  }

  setup(numberOfChannels: number): void {
    if (this.maxParallelism <= 0) throw new Error('HASH partitioner used before its maxParallelism was configured');
    if (numberOfChannels > this.maxParallelism) {
      throw new RangeError(`HASH edge to ${numberOfChannels} subtasks exceeds maxParallelism ${this.maxParallelism}`);
    }
    this.channels = numberOfChannels;
  }

  selectChannel(value: T): number {
    // One consumer: no need to hash (the keyed operator still applies the key selector).
    if (this.channels === 1) return 0;
    return assignKeyToParallelOperator(this.keySelector(value), this.maxParallelism, this.channels);
  }

  copy(): KeyGroupStreamPartitioner<T, K> {
    return new KeyGroupStreamPartitioner<T, K>(this.keySelector, this.maxParallelism);
  }
}
