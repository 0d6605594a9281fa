import { CoMapFunction } from '../../../core/process/CoFunctions';
import { AbstractTwoInputStreamOperator } from '../AbstractTwoInputStreamOperator';

/** Flink's CoStreamMap: map1 for the first input, map2 for the second; timestamps kept. */
export class CoStreamMap<IN1, IN2, R> extends AbstractTwoInputStreamOperator<IN1, IN2, R> {
  constructor(
    private readonly fn: CoMapFunction<IN1, IN2, R>,
    name: string,
  ) {
    super(name, false);
  }

  processElement1(value: IN1, timestamp: number): void {
    let out: R;
    try {
      out = this.fn.map1(value);
    } catch (e) {
      this.userFunctionFailed(e, value);
      return;
    }
    this.output.collect(out, timestamp);
  }

  processElement2(value: IN2, timestamp: number): void {
    let out: R;
    try {
      out = this.fn.map2(value);
    } catch (e) {
      this.userFunctionFailed(e, value);
      return;
    }
    this.output.collect(out, timestamp);
  }
}
