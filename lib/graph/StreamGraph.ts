import { OutputTag } from '../core/OutputTag';
import { Sink } from '../connectors/sink/SinkFunction';
import { TwoPhaseCommitSink } from '../connectors/sink/TwoPhaseCommitSink';
import { Source } from '../connectors/source/Source';
import { StreamPartitioner } from '../partitioners/StreamPartitioner';
import { OperatorFactory } from '../runtime/StreamOperator';
import { WatermarkStrategy } from '../time/WatermarkStrategy';
import { ChainingStrategy } from './Transformation';

export type StreamNodeKind = 'source' | 'operator' | 'sink';

/** One operator of the job with its resolved parallelism (Flink's StreamNode). */
export interface StreamNode {
  readonly id: number;
  readonly name: string;
  readonly kind: StreamNodeKind;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly uid: string | undefined;
  readonly chainingStrategy: ChainingStrategy;
  readonly slotSharingGroup: string;
  readonly keyed: boolean;
  /** For sources. */
  readonly source: Source<unknown> | undefined;
  readonly watermarkStrategy: WatermarkStrategy<unknown> | undefined;
  /** For operators and sinks. */
  readonly operatorFactory: OperatorFactory<unknown, unknown> | undefined;
  /** For sinks given as an object (sinkTo): a Sink or a TwoPhaseCommitSink. */
  readonly sink: Sink<unknown> | TwoPhaseCommitSink<unknown, unknown> | undefined;
  readonly inEdges: StreamEdge[];
  readonly outEdges: StreamEdge[];
}

/** A data connection between two operators (Flink's StreamEdge). */
export interface StreamEdge {
  readonly id: string;
  readonly sourceId: number;
  readonly targetId: number;
  /** The prototype; every producing subtask works on its own copy. */
  readonly partitioner: StreamPartitioner<unknown>;
  /** Set when the edge carries a side output rather than the main output. */
  readonly outputTag: OutputTag<unknown> | undefined;
  /** Flink's typeNumber: 0 into a one-input operator, 1 or 2 into a two-input operator's first or second input. */
  readonly typeNumber: number;
}

export interface StreamGraph {
  readonly jobName: string;
  readonly nodes: ReadonlyMap<number, StreamNode>;
  readonly chainingEnabled: boolean;
}

export function sourceNodes(graph: StreamGraph): StreamNode[] {
  return [...graph.nodes.values()].filter((n) => n.kind === 'source').sort((a, b) => a.id - b.id);
}
