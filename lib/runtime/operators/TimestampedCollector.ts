import { Collector } from '../../core/functions';
import { Output } from '../StreamOperator';

/** Flink's TimestampedCollector: what a function emits carries the timestamp set here. */
export class TimestampedCollector<T> implements Collector<T> {
  timestamp = Number.MIN_SAFE_INTEGER;

  constructor(private readonly output: () => Output<T>) {}

  collect(value: T): void {
    this.output().collect(value, this.timestamp);
  }
}
