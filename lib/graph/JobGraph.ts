import { ShipStrategy } from '../partitioners/StreamPartitioner';
import { StreamEdge, StreamGraph, StreamNode, sourceNodes } from './StreamGraph';

/** How producer and consumer subtasks are wired: all to all, or each to a local subset. */
export type DistributionPattern = 'ALL_TO_ALL' | 'POINTWISE';

/** A task: a chain of operators run by one subtask per parallel instance (Flink's JobVertex). */
export interface JobVertex {
  /** 1-based, in the order the chains were built (sources first). */
  readonly id: number;
  /** The chain name, "Map -> Map -> Timestamps/Watermarks". */
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly slotSharingGroup: string;
  readonly headNode: StreamNode;
  /** Chained operators, head first (a chain may branch; children follow their parent). */
  readonly nodes: readonly StreamNode[];
  /** Edges inside the chain (plain calls). */
  readonly chainedEdges: readonly StreamEdge[];
  /** Edges leaving the chain (network channels), in order. */
  readonly outputs: JobEdge[];
  readonly inputs: JobEdge[];
}

/** A network edge between two tasks. */
export interface JobEdge {
  readonly id: number;
  readonly source: JobVertex;
  readonly target: JobVertex;
  readonly streamEdge: StreamEdge;
  readonly shipStrategy: ShipStrategy;
  readonly pattern: DistributionPattern;
}

export interface JobGraph {
  readonly jobName: string;
  /** Topologically ordered. */
  readonly vertices: readonly JobVertex[];
  readonly edges: readonly JobEdge[];
  readonly streamGraph: StreamGraph;
}

/**
 * Flink's chaining rule: an edge is chained when the downstream operator has a single input,
 * chaining is enabled, both are in the same slot sharing group, the edge is FORWARD, the
 * parallelisms are equal, the upstream operator is not NEVER and the downstream one is ALWAYS.
 */
export function isChainable(edge: StreamEdge, graph: StreamGraph): boolean {
  const up = graph.nodes.get(edge.sourceId)!;
  const down = graph.nodes.get(edge.targetId)!;
  return (
    graph.chainingEnabled &&
    down.inEdges.length === 1 &&
    up.slotSharingGroup === down.slotSharingGroup &&
    edge.partitioner.shipStrategy === 'FORWARD' &&
    up.parallelism === down.parallelism &&
    up.chainingStrategy !== 'NEVER' &&
    down.chainingStrategy === 'ALWAYS'
  );
}

interface MutableVertex extends JobVertex {
  outputs: JobEdge[];
  inputs: JobEdge[];
}

/** Builds the JobGraph: operators chained into tasks, network edges between them. */
export function createJobGraph(graph: StreamGraph): JobGraph {
  const vertexOfNode = new Map<number, MutableVertex>();
  const vertices: MutableVertex[] = [];
  const pendingNetworkEdges: StreamEdge[] = [];
  const queue: StreamNode[] = sourceNodes(graph);
  const chainNames = new Map<number, string>();

  /** Collects a chain starting at `node`; returns its name. */
  const collectChain = (node: StreamNode, members: StreamNode[], chained: StreamEdge[]): string => {
    members.push(node);
    const childNames: string[] = [];
    for (const edge of node.outEdges) {
      if (isChainable(edge, graph)) {
        chained.push(edge);
        childNames.push(collectChain(graph.nodes.get(edge.targetId)!, members, chained));
      } else {
        pendingNetworkEdges.push(edge);
        queue.push(graph.nodes.get(edge.targetId)!);
      }
    }
    const name =
      childNames.length === 0 ? node.name : childNames.length === 1 ? `${node.name} -> ${childNames[0]}` : `${node.name} -> (${childNames.join(', ')})`;
    chainNames.set(node.id, name);
    return name;
  };

  while (queue.length > 0) {
    const head = queue.shift()!;
    if (vertexOfNode.has(head.id)) continue;
    // A head is built only once all its producers have been built (topological order).
    if (head.inEdges.some((e) => !vertexOfNode.has(e.sourceId))) {
      queue.push(head);
      continue;
    }
    const members: StreamNode[] = [];
    const chained: StreamEdge[] = [];
    const name = collectChain(head, members, chained);
    const vertex: MutableVertex = {
      id: vertices.length + 1,
      name,
      parallelism: head.parallelism,
      maxParallelism: head.maxParallelism,
      slotSharingGroup: head.slotSharingGroup,
      headNode: head,
      nodes: members,
      chainedEdges: chained,
      outputs: [],
      inputs: [],
    };
    members.forEach((m) => vertexOfNode.set(m.id, vertex));
    vertices.push(vertex);
  }

  const edges: JobEdge[] = pendingNetworkEdges.map((streamEdge, i) => {
    const source = vertexOfNode.get(streamEdge.sourceId)!;
    const target = vertexOfNode.get(streamEdge.targetId)!;
    const pointwise = streamEdge.partitioner.isPointwise;
    const edge: JobEdge = {
      id: i + 1,
      source,
      target,
      streamEdge,
      shipStrategy: streamEdge.partitioner.shipStrategy,
      pattern: pointwise ? 'POINTWISE' : 'ALL_TO_ALL',
    };
    source.outputs.push(edge);
    target.inputs.push(edge);
    return edge;
  });
  // Inputs in the order of the stream graph's in-edges, so channel numbering is stable.
  for (const v of vertices) {
    const order = v.headNode.inEdges.map((e) => e.id);
    v.inputs.sort((a, b) => order.indexOf(a.streamEdge.id) - order.indexOf(b.streamEdge.id));
  }
  return { jobName: graph.jobName, vertices, edges, streamGraph: graph };
}

/** Slots a job needs with slot sharing: per sharing group its highest parallelism, summed. */
export function requiredSlots(job: JobGraph): number {
  const perGroup = new Map<string, number>();
  for (const v of job.vertices) perGroup.set(v.slotSharingGroup, Math.max(perGroup.get(v.slotSharingGroup) ?? 0, v.parallelism));
  let total = 0;
  for (const n of perGroup.values()) total += n;
  return total;
}
