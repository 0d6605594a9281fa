import { JobSnapshot } from '../controlplane/ClusterQueries';
import { FailureRecord } from '../controlplane/ExceptionHistory';

/** One failure in GET /jobs/:id/exceptions (Flink's JobExceptionsInfoWithHistory.ExceptionInfo). */
export interface ExceptionInfo {
  readonly exceptionName: string;
  readonly stacktrace: string;
  readonly timestamp: number;
  /** The failed task's name; null for a job-level failure (checkpoints, restore). */
  readonly taskName: string | null;
  /** brook: the failed subtask's index (0-based), next to its task's name. */
  readonly subtaskIndex: number | null;
  /** Where the subtask ran: brook has no host and port, so the TaskManager (`taskmanager-1`). */
  readonly location: string | null;
  readonly endpoint: string | null;
  readonly taskManagerId: string | null;
  readonly failureLabels: Readonly<Record<string, string>>;
  /** brook: whether the job restarted after this failure (false: it ended the job). */
  readonly restarted: boolean;
}

/** A failure that caused a restart or ended the job; brook does not collect concurrent ones. */
export interface RootExceptionInfo extends ExceptionInfo {
  readonly concurrentExceptions: readonly ExceptionInfo[];
}

/** Flink's legacy fields, kept for clients that read them. */
export interface LegacyExceptionInfo {
  readonly exception: string;
  readonly task: string;
  readonly location: string;
  readonly timestamp: number;
  readonly taskManagerId: string;
}

/** GET /jobs/:id/exceptions (Flink's JobExceptionsInfoWithHistory). */
export interface JobExceptionsBody {
  /** The newest failure's stack trace; null when the job never failed. */
  readonly 'root-exception': string | null;
  readonly timestamp: number | null;
  readonly 'all-exceptions': readonly LegacyExceptionInfo[];
  readonly truncated: boolean;
  /** Newest first, at most 16 (Flink's web.exception-history-size default). */
  readonly exceptionHistory: { readonly entries: readonly RootExceptionInfo[]; readonly truncated: boolean };
}

function taskManagerName(id: number | undefined): string | null {
  return id === undefined ? null : `taskmanager-${id}`;
}

function exceptionInfo(r: FailureRecord): RootExceptionInfo {
  const tm = taskManagerName(r.taskManagerId);
  return {
    exceptionName: r.exceptionName,
    stacktrace: r.stacktrace,
    timestamp: r.timestamp,
    taskName: r.taskName ?? null,
    subtaskIndex: r.subtaskIndex ?? null,
    location: tm,
    endpoint: tm,
    taskManagerId: tm,
    failureLabels: {},
    restarted: r.restarted,
    concurrentExceptions: [],
  };
}

export function jobExceptionsBody(job: JobSnapshot): JobExceptionsBody {
  const { entries, truncated } = job.exceptions;
  const newest = entries[0];
  return {
    'root-exception': newest?.stacktrace ?? null,
    timestamp: newest?.timestamp ?? null,
    'all-exceptions': entries.map((r) => ({
      exception: r.stacktrace,
      task: r.taskName === undefined ? '(job)' : `${r.taskName} (subtask ${(r.subtaskIndex ?? 0) + 1})`,
      location: taskManagerName(r.taskManagerId) ?? '(unassigned)',
      timestamp: r.timestamp,
      taskManagerId: taskManagerName(r.taskManagerId) ?? '(unassigned)',
    })),
    truncated,
    exceptionHistory: { entries: entries.map(exceptionInfo), truncated },
  };
}
