import { ShipStrategy } from '../partitioners/StreamPartitioner';
import { JobGraph } from './JobGraph';

/** One input of a task in the job plan: which task feeds it and how records are distributed. */
export interface JobPlanInput {
  readonly num: number;
  readonly id: string;
  readonly ship_strategy: ShipStrategy;
  readonly exchange: 'pipelined_bounded';
  /** brook: set when the edge carries a side output. */
  readonly side_output?: string;
}

export interface JobPlanNode {
  readonly id: string;
  readonly parallelism: number;
  readonly operator: string;
  readonly operator_strategy: string;
  readonly description: string;
  readonly inputs?: readonly JobPlanInput[];
  readonly optimizer_properties: Record<string, never>;
}

/** The plan of a submitted job, as Flink's REST API returns it from /jobs/:id/plan. */
export interface JobPlan {
  readonly jid: string;
  readonly name: string;
  readonly type: 'STREAMING';
  readonly nodes: readonly JobPlanNode[];
}

/**
 * Flink's JsonPlanGenerator: the JobGraph's tasks (chains, not single operators) with their
 * parallelism and, per input, the producing task and the ship strategy. This is the graph the
 * web dashboard draws. (`getExecutionPlan()` is the other, per-operator plan.)
 */
export function generateJobPlan(jobId: string, job: JobGraph): JobPlan {
  return {
    jid: jobId,
    name: job.jobName,
    type: 'STREAMING',
    nodes: job.vertices.map((v) => {
      const node: JobPlanNode = {
        id: String(v.id),
        parallelism: v.parallelism,
        operator: '',
        operator_strategy: '',
        description: v.name,
        optimizer_properties: {},
      };
      if (v.inputs.length === 0) return node;
      return {
        ...node,
        inputs: v.inputs.map((e, num) => ({
          num,
          id: String(e.source.id),
          ship_strategy: e.shipStrategy,
          exchange: 'pipelined_bounded' as const,
          ...(e.streamEdge.outputTag ? { side_output: e.streamEdge.outputTag.id } : {}),
        })),
      };
    }),
  };
}
