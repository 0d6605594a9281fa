import { Collector } from '../functions';
import { OutputTag } from '../OutputTag';
import { AbstractRichFunction } from './RuntimeContext';

export interface ProcessJoinContext {
  getLeftTimestamp(): number;
  getRightTimestamp(): number;
  /** The pair's timestamp: the larger of the two. */
  getTimestamp(): number;
  output<S>(tag: OutputTag<S>, value: S): void;
}

/** Flink's ProcessJoinFunction: called for each joined pair of an interval join. */
export abstract class ProcessJoinFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement(left: IN1, right: IN2, ctx: ProcessJoinContext, out: Collector<OUT>): void;
}
