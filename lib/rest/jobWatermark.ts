import { JobPlanBody, VertexSummary } from './RestTypes';

/**
 * The job's watermark: how far event time has reached at its ends. The lowest, over the tasks
 * nothing consumes from (its sinks), of the watermark they received, or for a task without
 * inputs the one it emitted. Tasks upstream of a watermark assigner never see a watermark, so
 * a minimum over every task would read "none" for as long as the job runs.
 */
export function jobWatermark(plan: JobPlanBody['plan'], vertices: readonly VertexSummary[]): number {
  const withInputs = new Set(plan.nodes.filter((n) => (n.inputs ?? []).length > 0).map((n) => n.id));
  const consumed = new Set(plan.nodes.flatMap((n) => (n.inputs ?? []).map((input) => input.id)));
  const ends = vertices.filter((v) => !consumed.has(v.id));
  return Math.min(...ends.map((v) => (withInputs.has(v.id) ? v.metrics['current-input-watermark'] : v.metrics['current-output-watermark'])));
}
