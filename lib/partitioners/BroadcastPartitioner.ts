import { StreamPartitioner } from './StreamPartitioner';

/** Every record to every consumer. */
export class BroadcastPartitioner<T> implements StreamPartitioner<T> {
  readonly shipStrategy = 'BROADCAST' as const;
  readonly isPointwise = false;
  readonly isBroadcast = true;

  setup(): void {}

  selectChannel(): number {
    throw new Error('BROADCAST sends to all channels; selectChannel must not be called');
  }

  copy(): BroadcastPartitioner<T> {
    return new BroadcastPartitioner<T>();
  }
}
