import { DataStream } from '../../lib/api/DataStream';
import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { assignKeyToParallelOperator } from '../../lib/partitioners/keyGroups';
import { StreamOperator } from '../../lib/runtime/StreamOperator';
import { HarnessOptions, OperatorHarness } from './OperatorHarness';

/**
 * The operator a DataStream API call builds, for the operator harness: tests define windows and
 * functions exactly as users do, then drive the operator on a manual clock.
 */
export function operatorOf<IN, OUT>(define: (input: DataStream<IN>) => DataStream<OUT>): () => StreamOperator<IN, OUT> {
  const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 1 });
  const out = define(env.fromElements<IN>());
  const t = out.transformation;
  if (t.kind !== 'oneInput' && t.kind !== 'twoInput') throw new Error(`expected an operator, got ${t.kind}`);
  return () => t.operatorFactory(t.settings.name) as StreamOperator<IN, OUT>;
}

export function harnessOf<IN, OUT>(define: (input: DataStream<IN>) => DataStream<OUT>, options: HarnessOptions = {}): OperatorHarness<IN, OUT> {
  return new OperatorHarness<IN, OUT>(operatorOf(define)(), options);
}

/** The subtask (of `parallelism`) a key goes to, as the HASH partitioner would send it. */
export function subtaskOf(key: unknown, parallelism: number, maxParallelism = 128): number {
  return assignKeyToParallelOperator(key, maxParallelism, parallelism);
}
