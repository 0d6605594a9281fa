import { CoFlatMapFunction } from '../../../core/process/CoFunctions';
import { AbstractTwoInputStreamOperator } from '../AbstractTwoInputStreamOperator';
import { TimestampedCollector } from '../TimestampedCollector';

/** Flink's CoStreamFlatMap: flatMap1 / flatMap2, results with the input element's timestamp. */
export class CoStreamFlatMap<IN1, IN2, R> extends AbstractTwoInputStreamOperator<IN1, IN2, R> {
  private readonly collector = new TimestampedCollector<R>(() => this.output);

  constructor(
    private readonly fn: CoFlatMapFunction<IN1, IN2, R>,
    name: string,
  ) {
    super(name, false);
  }

  processElement1(value: IN1, timestamp: number): void {
    this.collector.timestamp = timestamp;
    try {
      this.fn.flatMap1(value, this.collector);
    } catch (e) {
      this.userFunctionFailed(e, value);
    }
  }

  processElement2(value: IN2, timestamp: number): void {
    this.collector.timestamp = timestamp;
    try {
      this.fn.flatMap2(value, this.collector);
    } catch (e) {
      this.userFunctionFailed(e, value);
    }
  }
}
