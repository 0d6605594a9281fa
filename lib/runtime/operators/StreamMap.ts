import { MapFunction } from '../../core/functions';
import { AbstractStreamOperator } from '../AbstractStreamOperator';

export class StreamMap<IN, OUT> extends AbstractStreamOperator<IN, OUT> {
  constructor(
    private readonly fn: MapFunction<IN, OUT>,
    name = 'Map',
  ) {
    super(name);
  }

  processElement(value: IN, timestamp: number): void {
    let result: OUT;
    try {
      result = this.fn(value);
    } catch (e) {
      this.userFunctionFailed(e, value);
      return;
    }
    this.output.collect(result, timestamp);
  }
}
