import { JobExecutionResult } from '../api/JobExecutionResult';
import { JobStatus } from '../api/JobStatus';
import { JobGraph } from '../graph/JobGraph';
import { CheckpointConfigData } from '../runtime/checkpoint/CheckpointConfigData';
import { RestartStrategyConfig } from '../runtime/restart/RestartStrategy';
import { TaskConfig } from '../runtime/TaskConfig';
import { JobEventReporter } from './JobEventReporter';

/** How the JobManager tells the submitter what happens to its job. */
export interface JobListener {
  onStatusChange(status: JobStatus): void;
  onTerminated(outcome: JobOutcome): void;
}

export type JobOutcome = { readonly result: JobExecutionResult } | { readonly error: Error };

/** Job-level settings besides the data plane's: checkpointing, restarts, where to restore from. */
export interface JobSettings {
  /** Checkpointing settings; absent when the job does not checkpoint. */
  readonly checkpointing?: CheckpointConfigData;
  /** Absent: Flink's default (exponential-delay with checkpointing, none without). */
  readonly restartStrategy?: RestartStrategyConfig;
  /** Start from this savepoint or retained checkpoint (a directory holding `_metadata`). */
  readonly savepointRestore?: { readonly path: string; readonly allowNonRestoredState: boolean };
  /**
   * With high availability: records each completed checkpoint's location where a new leader
   * finds it, before any sink is told to commit; a rejection keeps the checkpoint from being
   * announced (a deposed leader's fenced write must not let sinks commit).
   */
  readonly recordCompletedCheckpoint?: (checkpoint: CompletedCheckpointRecord) => Promise<void>;
  /** Where restarts, the final failure and declined checkpoints are reported; absent: the process's stderr. */
  readonly reporter?: JobEventReporter;
}

export interface CompletedCheckpointRecord {
  readonly checkpointId: number;
  /** The completed checkpoint's directory; undefined with in-memory storage. */
  readonly location: string | undefined;
  readonly timestamp: number;
}

/** A job as handed to the JobManager. */
export interface JobSubmission extends JobSettings {
  /** The job's id: how the JobManager, its REST API and the HA stores know it, across leaders. */
  readonly jobId: string;
  /**
   * The run's id, which transactional sinks fence on with the attempt number (the job id when
   * absent). A job a new leader recovers keeps its id but is a new run: its attempts count from
   * 0 again, and only a run id of its own fences out the previous leader's attempts.
   */
  readonly runId?: string;
  readonly jobGraph: JobGraph;
  readonly config: TaskConfig;
  readonly listener: JobListener;
}

/** What a savepoint or checkpoint request resolves with. */
export type SnapshotOutcome = { readonly checkpointId: number; readonly path: string | undefined } | { readonly error: string };
