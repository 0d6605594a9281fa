import { KeySelector } from '../core/functions';
import { StreamPartitioner } from './StreamPartitioner';

/** A user's choice of partition per key, as Flink's `partitionCustom(partitioner, keySelector)`. */
export type Partitioner<K> = (key: K, numPartitions: number) => number;

export class CustomPartitionerWrapper<T, K> implements StreamPartitioner<T> {
  readonly shipStrategy = 'CUSTOM' as const;
  readonly isPointwise = false;
  readonly isBroadcast = false;
  private channels = 1;

  constructor(
    private readonly partitioner: Partitioner<K>,
    private readonly keySelector: KeySelector<T, K>,
  ) {}

  setup(numberOfChannels: number): void {
    this.channels = numberOfChannels;
  }

  selectChannel(value: T): number {
    const key = this.keySelector(value);
    const p = this.partitioner(key, this.channels);
    if (!Number.isInteger(p) || p < 0 || p >= this.channels) {
      throw new RangeError(`custom partitioner returned ${p} for key ${String(key)}; expected an integer in [0, ${this.channels})`);
    }
    return p;
  }

  copy(): CustomPartitionerWrapper<T, K> {
    return new CustomPartitionerWrapper<T, K>(this.partitioner, this.keySelector);
  }
}
