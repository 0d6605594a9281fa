import { JobSnapshot } from '../controlplane/ClusterQueries';
import { FailureRecord } from '../controlplane/ExceptionHistory';
import { JobExceptionsBody, RootExceptionInfo } from './RestTypes';

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
