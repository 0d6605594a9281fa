import { SeededRandom } from '../util/SeededRandom';
import { StreamPartitioner } from './StreamPartitioner';

/** A uniformly random consumer per record, from the job's seeded random source. */
export class ShufflePartitioner<T> implements StreamPartitioner<T> {
  readonly shipStrategy = 'SHUFFLE' as const;
  readonly isPointwise = false;
  readonly isBroadcast = false;
  private channels = 1;
  private random: SeededRandom = new SeededRandom(0);

  setup(numberOfChannels: number, random: SeededRandom): void {
    this.channels = numberOfChannels;
    this.random = random;
  }

  selectChannel(): number {
    return this.random.nextInt(this.channels);
  }

  copy(): ShufflePartitioner<T> {
    return new ShufflePartitioner<T>();
  }
}
