import { CheckpointStatsSnapshot } from '../runtime/checkpoint/CheckpointStats';
import { OperatorMetricsSnapshot } from '../runtime/TaskMetrics';

/** Per task (JobVertex): what all its subtasks counted together. */
export interface VertexResult {
  readonly id: number;
  readonly name: string;
  readonly parallelism: number;
  readonly numRecordsIn: number;
  readonly numRecordsOut: number;
  /** Records user functions rejected as malformed (skipped and counted, never silently lost). */
  readonly numRecordsSkipped: number;
  readonly numLateRecordsDropped: number;
  /** Per operator of the chain, summed over subtasks. */
  readonly operators: readonly OperatorMetricsSnapshot[];
}

/** What env.execute() resolves with (Flink's JobExecutionResult, plus per-task counts). */
export interface JobExecutionResult {
  readonly jobId: string;
  readonly jobName: string;
  /** Milliseconds from submission to the end, on the job's clock. */
  readonly netRuntime: number;
  readonly vertices: readonly VertexResult[];
  /** How often the job restarted after a failure (restart strategy); counts are of the last run. */
  readonly numRestarts?: number;
  /** The job's checkpoint statistics, when it checkpointed. */
  readonly checkpoints?: CheckpointStatsSnapshot;
}
