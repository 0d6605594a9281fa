import { OutputTag } from '../core/OutputTag';
import { Sink } from '../connectors/sink/SinkFunction';
import { TwoPhaseCommitSink } from '../connectors/sink/TwoPhaseCommitSink';
import { Source } from '../connectors/source/Source';
import { StreamPartitioner } from '../partitioners/StreamPartitioner';
import { OperatorFactory } from '../runtime/StreamOperator';
import { WatermarkStrategy } from '../time/WatermarkStrategy';

/** Flink's chaining strategies: NEVER = disableChaining(), HEAD = startNewChain(). */
export type ChainingStrategy = 'ALWAYS' | 'HEAD' | 'NEVER';

/** Settings every physical transformation carries; changed through the DataStream API. */
export interface OperatorSettings {
  name: string;
  /** undefined: the environment's default parallelism. */
  parallelism: number | undefined;
  maxParallelism: number | undefined;
  uid: string | undefined;
  chainingStrategy: ChainingStrategy;
  slotSharingGroup: string;
}

interface Base {
  readonly id: number;
}

/**
 * What an operator does with its records' event timestamps, for the job-graph check that
 * event-time operators get records with timestamps: `passes` keeps its input's (map, filter,
 * process functions: the default); `assigns` gives every output record one whatever the input
 * (a timestamp assigner, a processing-time window: its results carry the window's end);
 * `requires` needs them on its input, and its results carry one (event-time windows, interval
 * joins).
 */
export type TimestampUse = 'passes' | 'assigns' | 'requires';

/**
 * What the user declared, before any graph is built (Flink's Transformation tree). Ids come
 * from the environment in order of declaration, so plans are reproducible; virtual steps such
 * as keyBy use up an id, as in Flink.
 */
export type Transformation =
  | SourceTransformation
  | OneInputTransformation
  | TwoInputTransformation
  | SinkTransformation
  | PartitionTransformation
  | UnionTransformation
  | SideOutputTransformation;

export interface SourceTransformation extends Base {
  readonly kind: 'source';
  readonly settings: OperatorSettings;
  readonly source: Source<unknown>;
  readonly watermarkStrategy: WatermarkStrategy<unknown> | undefined;
}

export interface OneInputTransformation extends Base {
  readonly kind: 'oneInput';
  readonly settings: OperatorSettings;
  readonly input: Transformation;
  readonly operatorFactory: OperatorFactory<unknown, unknown>;
  /** Set for keyed operators (windows, rolling aggregations). */
  readonly keyed: boolean;
  /** Absent: 'passes'. */
  readonly timestamps?: TimestampUse;
}

/** An operator with two inputs (connect, joins): its edges say which input they feed. */
export interface TwoInputTransformation extends Base {
  readonly kind: 'twoInput';
  readonly settings: OperatorSettings;
  readonly input1: Transformation;
  readonly input2: Transformation;
  /** Builds a TwoInputStreamOperator (which is also a StreamOperator for the chain). */
  readonly operatorFactory: OperatorFactory<unknown, unknown>;
  readonly keyed: boolean;
  /** Absent: 'passes' (a record keeps the timestamp of the input it came from). */
  readonly timestamps?: TimestampUse;
}

export interface SinkTransformation extends Base {
  readonly kind: 'sink';
  readonly settings: OperatorSettings;
  readonly input: Transformation;
  readonly operatorFactory: OperatorFactory<unknown, never>;
  /** The sink given to sinkTo (absent for addSink): TaskManager threads forward its results. */
  readonly sink?: Sink<unknown> | TwoPhaseCommitSink<unknown, unknown>;
}

export interface PartitionTransformation extends Base {
  readonly kind: 'partition';
  readonly input: Transformation;
  readonly partitioner: StreamPartitioner<unknown>;
}

export interface UnionTransformation extends Base {
  readonly kind: 'union';
  readonly inputs: readonly Transformation[];
}

export interface SideOutputTransformation extends Base {
  readonly kind: 'sideOutput';
  readonly input: Transformation;
  readonly tag: OutputTag<unknown>;
}

export type PhysicalTransformation = SourceTransformation | OneInputTransformation | TwoInputTransformation | SinkTransformation;

export function isPhysical(t: Transformation): t is PhysicalTransformation {
  return t.kind === 'source' || t.kind === 'oneInput' || t.kind === 'twoInput' || t.kind === 'sink';
}

export function defaultSettings(name: string, chainingStrategy: ChainingStrategy): OperatorSettings {
  return {
    name,
    parallelism: undefined,
    maxParallelism: undefined,
    uid: undefined,
    chainingStrategy,
    slotSharingGroup: 'default',
  };
}
