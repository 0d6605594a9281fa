/**
 * Thrown by a user function to say "this input is malformed": the record is skipped and
 * counted (numRecordsSkipped) instead of failing the job. Any other error fails the task.
 */
export class MalformedRecordError extends Error {
  constructor(
    message: string,
    readonly record?: unknown,
  ) {
    super(message);
    this.name = 'MalformedRecordError';
  }
}

/** A user function threw: names the operator and the record it was given. */
export class UserFunctionError extends Error {
  constructor(
    readonly operatorName: string,
    readonly record: unknown,
    override readonly cause: unknown,
  ) {
    super(`operator '${operatorName}' failed on record ${describeRecord(record)}: ${errorMessage(cause)}`);
    this.name = 'UserFunctionError';
  }
}

/** A subtask failed; names the task and the subtask, and carries the original cause. */
export class TaskFailure extends Error {
  constructor(
    readonly taskName: string,
    readonly subtaskIndex: number,
    readonly parallelism: number,
    override readonly cause: unknown,
  ) {
    super(`task '${taskName}' (subtask ${subtaskIndex + 1}/${parallelism}) failed: ${errorMessage(cause)}`);
    this.name = 'TaskFailure';
  }
}

/** The job did not finish: carries the first failure. */
export class JobExecutionError extends Error {
  constructor(
    readonly jobName: string,
    override readonly cause: unknown,
  ) {
    super(`job '${jobName}' failed: ${errorMessage(cause)}`);
    this.name = 'JobExecutionError';
  }
}

export class NotEnoughSlotsError extends Error {
  constructor(
    readonly required: number,
    readonly available: number,
    detail: string,
  ) {
    super(detail);
    this.name = 'NotEnoughSlotsError';
  }
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

export function describeRecord(record: unknown): string {
  let text: string;
  try {
    text =
      typeof record === 'string'
        ? JSON.stringify(record)
        : (JSON.stringify(record, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(record));
  } catch {
    text = String(record);
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
