import { JobExecutionResult, VertexResult } from '../api/JobExecutionResult';
import { JobGraph } from '../graph/JobGraph';
import { ExecutionVertex } from '../graph/ExecutionGraph';
import { OperatorMetricsSnapshot, TaskMetricsSnapshot } from '../runtime/TaskMetrics';
import { CheckpointStatsSnapshot } from '../runtime/checkpoint/CheckpointStats';

export interface FinishedJobRecord {
  readonly jobId: string;
  readonly jobGraph: JobGraph;
  readonly executions: ReadonlyArray<{ readonly execution: ExecutionVertex; readonly metrics: TaskMetricsSnapshot | undefined }>;
  readonly startTime: number;
  readonly endTime: number | undefined;
  readonly numRestarts: number;
  readonly checkpoints: CheckpointStatsSnapshot | undefined;
}

/** What env.execute() resolves with: per task, the counts of its subtasks (of the last attempt). */
export function jobResult(job: FinishedJobRecord): JobExecutionResult {
  const { jobGraph, jobId } = job;
  const vertices: VertexResult[] = jobGraph.vertices.map((v) => {
    const records = job.executions.filter((r) => r.execution.vertex === v);
    const sum = (f: (m: TaskMetricsSnapshot) => number): number => records.reduce((n, r) => n + (r.metrics ? f(r.metrics) : 0), 0);
    const operators: OperatorMetricsSnapshot[] = v.nodes.map((node, i) => {
      const ops = records.map((r) => r.metrics?.operators[i]).filter((o): o is OperatorMetricsSnapshot => o !== undefined);
      return {
        operatorName: node.name,
        numRecordsIn: ops.reduce((n, o) => n + o.numRecordsIn, 0),
        numRecordsOut: ops.reduce((n, o) => n + o.numRecordsOut, 0),
        numRecordsSkipped: ops.reduce((n, o) => n + o.numRecordsSkipped, 0),
        numLateRecordsDropped: ops.reduce((n, o) => n + o.numLateRecordsDropped, 0),
        currentOutputWatermark: Math.min(...ops.map((o) => o.currentOutputWatermark)),
      };
    });
    return {
      id: v.id,
      name: v.name,
      parallelism: v.parallelism,
      numRecordsIn: sum((m) => m.numRecordsIn),
      numRecordsOut: sum((m) => m.numRecordsOut),
      numRecordsSkipped: operators.reduce((n, o) => n + o.numRecordsSkipped, 0),
      numLateRecordsDropped: operators.reduce((n, o) => n + o.numLateRecordsDropped, 0),
      operators,
    };
  });
  return {
    jobId,
    jobName: jobGraph.jobName,
    netRuntime: (job.endTime ?? job.startTime) - job.startTime,
    vertices,
    numRestarts: job.numRestarts,
    checkpoints: job.checkpoints,
  };
}
