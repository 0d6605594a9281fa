import { Collector, FlatMapFunction } from '../../core/functions';
import { AbstractStreamOperator } from '../AbstractStreamOperator';

export class StreamFlatMap<IN, OUT> extends AbstractStreamOperator<IN, OUT> implements Collector<OUT> {
  private timestamp = 0;

  constructor(
    private readonly fn: FlatMapFunction<IN, OUT>,
    name = 'Flat Map',
  ) {
    super(name);
  }

  collect(value: OUT): void {
    this.output.collect(value, this.timestamp);
  }

  processElement(value: IN, timestamp: number): void {
    this.timestamp = timestamp;
    let returned: void | Iterable<OUT>;
    try {
      returned = this.fn(value, this);
    } catch (e) {
      this.userFunctionFailed(e, value);
      return;
    }
    if (returned) for (const r of returned) this.output.collect(r, timestamp);
  }
}
