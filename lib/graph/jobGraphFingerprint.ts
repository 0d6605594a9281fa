import { createHash } from 'crypto';
import { JobGraph } from './JobGraph';

/**
 * What must be identical for two threads to run parts of the same job: tasks, their chained
 * operators (id, name, kind, parallelism), slot sharing, and the network edges with their ship
 * strategy and stream edge ids. Functions are not compared (they cannot be), but a job module
 * that defines a different graph on a worker (a parameter read from the environment, a random
 * choice while defining) is caught here.
 */
export function jobGraphFingerprint(graph: JobGraph): string {
  const shape = {
    name: graph.jobName,
    vertices: graph.vertices.map((v) => ({
      id: v.id,
      name: v.name,
      parallelism: v.parallelism,
      maxParallelism: v.maxParallelism,
      slotSharingGroup: v.slotSharingGroup,
      nodes: v.nodes.map((n) => [n.id, n.name, n.kind, n.parallelism, n.maxParallelism, n.uid ?? null, n.keyed]),
      chained: v.chainedEdges.map((e) => e.id),
    })),
    edges: graph.edges.map((e) => [e.id, e.source.id, e.target.id, e.streamEdge.id, e.shipStrategy, e.pattern, e.streamEdge.outputTag?.id ?? null]),
  };
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 16);
}

/** The shapes of two graphs as text, for an error message that shows where they differ. */
export function describeJobGraphShape(graph: JobGraph): string {
  return graph.vertices
    .map((v) => `${v.id}: ${v.name} (parallelism ${v.parallelism})${v.outputs.map((o) => ` --${o.shipStrategy}--> ${o.target.id}`).join('')}`)
    .join('; ');
}
