import { TaskFailure } from '../runtime/errors';

/** One failure of a job, as Flink's exception history keeps it. */
export interface FailureRecord {
  /** On the cluster's clock. */
  readonly timestamp: number;
  readonly exceptionName: string;
  readonly message: string;
  /** The error's stack, then each cause's, as Java prints `Caused by:` chains. */
  readonly stacktrace: string;
  /** The task and subtask that failed; undefined for a job-level failure (checkpoints, restore). */
  readonly taskName: string | undefined;
  readonly subtaskIndex: number | undefined;
  readonly taskManagerId: number | undefined;
  /** Whether the job restarted after it (false: it ended the job, or came while the job was already ending). */
  readonly restarted: boolean;
}

/** Flink's default web.exception-history-size. */
export const EXCEPTION_HISTORY_SIZE = 16;

/** The last failures of a job, newest first, and whether older ones were dropped. */
export class ExceptionHistory {
  private readonly records: FailureRecord[] = [];
  private dropped = false;

  constructor(private readonly size = EXCEPTION_HISTORY_SIZE) {}

  add(record: FailureRecord): void {
    this.records.unshift(record);
    if (this.records.length > this.size) {
      this.records.length = this.size;
      this.dropped = true;
    }
  }

  get entries(): readonly FailureRecord[] {
    return this.records;
  }

  get truncated(): boolean {
    return this.dropped;
  }
}

/** A failure as a history record; `taskManagerOf` finds where the failed subtask ran. */
export function failureRecord(
  error: Error,
  timestamp: number,
  restarted: boolean,
  taskManagerOf: (taskName: string, subtaskIndex: number) => number | undefined,
): FailureRecord {
  const task = findTaskFailure(error);
  return {
    timestamp,
    exceptionName: error.name,
    message: error.message,
    stacktrace: stackChain(error),
    taskName: task?.taskName,
    subtaskIndex: task?.subtaskIndex,
    taskManagerId: task && taskManagerOf(task.taskName, task.subtaskIndex),
    restarted,
  };
}

function findTaskFailure(error: unknown): TaskFailure | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) if (e instanceof TaskFailure) return e;
  return undefined;
}

function stackChain(error: Error): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e !== undefined && depth < 10; depth++) {
    const text = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
    parts.push(depth === 0 ? text : `Caused by: ${text}`);
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join('\n');
}
