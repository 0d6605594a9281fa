import { OperatorSettings } from '../graph/Transformation';
import { ConfigurableOperator } from './ConfigurableOperator';

/** The end of a stream: a sink whose name, uid, parallelism and chaining can be set. */
export class DataStreamSink<T> extends ConfigurableOperator {
  /** Phantom member: a sink of T is not a sink of anything else. */
  declare readonly __element?: (value: T) => T;

  constructor(protected readonly settings: OperatorSettings) {
    super();
  }
}
