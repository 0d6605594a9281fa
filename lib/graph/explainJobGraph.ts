import { requiredSlots, JobGraph } from './JobGraph';

/**
 * The DAG as text, the way the seed lesson draws it: tasks with their parallelism, edges
 * labelled with their ship strategy.
 *
 *   Task 1: Source: Socket Stream (parallelism 1)
 *     --REBALANCE--> Task 2
 */
export function explainJobGraph(job: JobGraph): string {
  const subtasks = job.vertices.reduce((n, v) => n + v.parallelism, 0);
  const lines = [`Job '${job.jobName}': ${job.vertices.length} tasks, ${subtasks} subtasks, ${requiredSlots(job)} slots needed`, ''];
  for (const v of job.vertices) {
    lines.push(`Task ${v.id}: ${v.name} (parallelism ${v.parallelism})`);
    for (const e of v.outputs) {
      const side = e.streamEdge.outputTag ? ` [side output '${e.streamEdge.outputTag.id}']` : '';
      lines.push(`  --${e.shipStrategy}--> Task ${e.target.id}${side}`);
    }
  }
  return lines.join('\n');
}
