import { ShipStrategy } from '../partitioners/StreamPartitioner';
import { StreamGraph } from './StreamGraph';

export interface ExecutionPlanNode {
  readonly id: number;
  readonly type: string;
  readonly pact: 'Data Source' | 'Operator' | 'Data Sink';
  readonly contents: string;
  readonly parallelism: number;
  readonly predecessors?: ReadonlyArray<{ readonly id: number; readonly ship_strategy: ShipStrategy; readonly side: 'second' }>;
}

export interface ExecutionPlan {
  readonly nodes: readonly ExecutionPlanNode[];
}

/** Flink's getExecutionPlan() JSON: nodes by id, sinks last, predecessors with ship strategies. */
export function executionPlan(graph: StreamGraph): ExecutionPlan {
  const all = [...graph.nodes.values()].sort((a, b) => a.id - b.id);
  const ordered = [...all.filter((n) => n.kind !== 'sink'), ...all.filter((n) => n.kind === 'sink')];
  return {
    nodes: ordered.map((n) => {
      const type = n.name;
      const node: ExecutionPlanNode = {
        id: n.id,
        type,
        pact: n.kind === 'source' ? 'Data Source' : n.kind === 'sink' ? 'Data Sink' : 'Operator',
        contents: type,
        parallelism: n.parallelism,
      };
      if (n.inEdges.length === 0) return node;
      return {
        ...node,
        predecessors: n.inEdges.map((e) => ({ id: e.sourceId, ship_strategy: e.partitioner.shipStrategy, side: 'second' as const })),
      };
    }),
  };
}
