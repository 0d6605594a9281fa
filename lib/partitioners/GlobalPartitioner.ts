import { StreamPartitioner } from './StreamPartitioner';

/** Everything to the first consumer (subtask 0). */
export class GlobalPartitioner<T> implements StreamPartitioner<T> {
  readonly shipStrategy = 'GLOBAL' as const;
  readonly isPointwise = false;
  readonly isBroadcast = false;

  setup(): void {}

  selectChannel(): number {
    return 0;
  }

  copy(): GlobalPartitioner<T> {
    return new GlobalPartitioner<T>();
  }
}
