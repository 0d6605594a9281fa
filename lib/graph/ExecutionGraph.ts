import { JobEdge, JobGraph, JobVertex } from './JobGraph';

/** One parallel instance of a task (Flink's ExecutionVertex). */
export interface ExecutionVertex {
  readonly vertex: JobVertex;
  readonly subtaskIndex: number;
  /** Stable across attempts: `${vertexId}.${subtaskIndex}`. */
  readonly id: string;
  readonly inputChannels: InputChannelWiring[];
  readonly outputEdges: OutputEdgeWiring[];
}

export interface InputChannelWiring {
  /** This channel's index among all input channels of the consumer subtask. */
  readonly index: number;
  readonly edge: JobEdge;
  readonly producer: ExecutionVertex;
  /** The producer's index for this channel among all its output channels. */
  readonly producerChannel: number;
}

export interface OutputChannelWiring {
  readonly index: number;
  readonly consumer: ExecutionVertex;
  readonly consumerChannel: number;
}

export interface OutputEdgeWiring {
  readonly edge: JobEdge;
  readonly channels: OutputChannelWiring[];
}

export interface ExecutionGraph {
  readonly job: JobGraph;
  /** In vertex order, then subtask order. */
  readonly executions: readonly ExecutionVertex[];
  get(vertexId: number, subtaskIndex: number): ExecutionVertex;
}

/**
 * Which consumer subtasks a producer subtask feeds on an edge. All-to-all: every consumer.
 * Pointwise (forward, rescale), as Flink's EdgeManagerBuildUtil: with fewer producers each
 * feeds a contiguous range of consumers; with more, each consumer reads a contiguous range.
 */
export function connectedConsumers(edge: JobEdge, producerIndex: number): number[] {
  const p = edge.source.parallelism;
  const c = edge.target.parallelism;
  if (edge.pattern === 'ALL_TO_ALL') return range(0, c);
  if (p === c) return [producerIndex];
  if (p < c) return range(Math.floor((producerIndex * c) / p), Math.floor(((producerIndex + 1) * c) / p));
  return [Math.floor((producerIndex * c) / p)];
}

export function buildExecutionGraph(job: JobGraph): ExecutionGraph {
  const byVertex = new Map<number, ExecutionVertex[]>();
  const executions: ExecutionVertex[] = [];
  for (const vertex of job.vertices) {
    const list = range(0, vertex.parallelism).map<ExecutionVertex>((i) => ({
      vertex,
      subtaskIndex: i,
      id: `${vertex.id}.${i}`,
      inputChannels: [],
      outputEdges: [],
    }));
    byVertex.set(vertex.id, list);
    executions.push(...list);
  }
  const get = (vertexId: number, subtaskIndex: number): ExecutionVertex => {
    const e = byVertex.get(vertexId)?.[subtaskIndex];
    if (!e) throw new Error(`no execution ${vertexId}.${subtaskIndex}`);
    return e;
  };

  // Output channels: per producer, edges in order, consumers in index order.
  const outCounter = new Map<ExecutionVertex, number>();
  for (const edge of job.edges) {
    for (const producer of byVertex.get(edge.source.id)!) {
      const wiring: OutputEdgeWiring = { edge, channels: [] };
      for (const consumerIndex of connectedConsumers(edge, producer.subtaskIndex)) {
        const index = outCounter.get(producer) ?? 0;
        outCounter.set(producer, index + 1);
        wiring.channels.push({ index, consumer: get(edge.target.id, consumerIndex), consumerChannel: -1 });
      }
      producer.outputEdges.push(wiring);
    }
  }
  // Input channels: per consumer, its input edges in order, producers in index order.
  for (const consumer of executions) {
    for (const edge of consumer.vertex.inputs) {
      for (const producer of byVertex.get(edge.source.id)!) {
        const wiring = producer.outputEdges.find((w) => w.edge === edge)!;
        const slot = wiring.channels.findIndex((c) => c.consumer === consumer);
        if (slot < 0) continue;
        const index = consumer.inputChannels.length;
        consumer.inputChannels.push({ index, edge, producer, producerChannel: wiring.channels[slot].index });
        wiring.channels[slot] = { ...wiring.channels[slot], consumerChannel: index };
      }
    }
  }
  return { job, executions, get };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/**
 * For each input channel of subtask `subtaskIndex` of `vertex`, the typeNumber of the edge it
 * belongs to (0, or 1/2 for a two-input operator), numbered as buildExecutionGraph numbers
 * input channels: input edges in order, producers in index order.
 */
export function inputChannelTypeNumbers(vertex: JobVertex, subtaskIndex: number): number[] {
  const out: number[] = [];
  for (const edge of vertex.inputs) {
    for (let producer = 0; producer < edge.source.parallelism; producer++) {
      if (connectedConsumers(edge, producer).includes(subtaskIndex)) out.push(edge.streamEdge.typeNumber);
    }
  }
  return out;
}
