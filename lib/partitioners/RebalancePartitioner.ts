import { SeededRandom } from '../util/SeededRandom';
import { StreamPartitioner } from './StreamPartitioner';

/** Round robin over all consumers. Flink starts at a random channel and increments before each send. */
export class RebalancePartitioner<T> implements StreamPartitioner<T> {
  readonly shipStrategy = 'REBALANCE' as const;
  readonly isPointwise = false;
  readonly isBroadcast = false;
  private channels = 1;
  private next = 0;

  setup(numberOfChannels: number, random: SeededRandom): void {
    this.channels = numberOfChannels;
    this.next = random.nextInt(numberOfChannels);
  }

  selectChannel(): number {
    this.next = (this.next + 1) % this.channels;
    return this.next;
  }

  copy(): RebalancePartitioner<T> {
    return new RebalancePartitioner<T>();
  }
}
