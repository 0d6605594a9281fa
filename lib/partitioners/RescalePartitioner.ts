import { StreamPartitioner } from './StreamPartitioner';

/**
 * Round robin over the local subset of consumers a producer is pointwise-connected to
 * (Flink's RescalePartitioner: no all-to-all traffic when parallelisms are multiples).
 */
export class RescalePartitioner<T> implements StreamPartitioner<T> {
  readonly shipStrategy = 'RESCALE' as const;
  readonly isPointwise = true;
  readonly isBroadcast = false;
  private channels = 1;
  private next = -1;

  setup(numberOfChannels: number): void {
    this.channels = numberOfChannels;
  }

  selectChannel(): number {
    this.next = (this.next + 1) % this.channels;
    return this.next;
  }

  copy(): RescalePartitioner<T> {
    return new RescalePartitioner<T>();
  }
}
