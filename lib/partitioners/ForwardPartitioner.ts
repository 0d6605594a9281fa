import { StreamPartitioner } from './StreamPartitioner';

/** Sends every record to the one consumer with the same index (parallelisms must be equal). */
export class ForwardPartitioner<T> implements StreamPartitioner<T> {
  readonly shipStrategy = 'FORWARD' as const;
  readonly isPointwise = true;
  readonly isBroadcast = false;

  setup(numberOfChannels: number): void {
    if (numberOfChannels !== 1) throw new Error(`FORWARD connects to exactly one channel, got ${numberOfChannels}`);
  }

  selectChannel(): number {
    return 0;
  }

  copy(): ForwardPartitioner<T> {
    return new ForwardPartitioner<T>();
  }
}
