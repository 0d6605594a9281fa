import { FilterFunction } from '../../core/functions';
import { AbstractStreamOperator } from '../AbstractStreamOperator';

export class StreamFilter<T> extends AbstractStreamOperator<T, T> {
  constructor(
    private readonly fn: FilterFunction<T>,
    name = 'Filter',
  ) {
    super(name);
  }

  processElement(value: T, timestamp: number): void {
    let keep: boolean;
    try {
      keep = this.fn(value);
    } catch (e) {
      this.userFunctionFailed(e, value);
      return;
    }
    if (keep) this.output.collect(value, timestamp);
  }
}
