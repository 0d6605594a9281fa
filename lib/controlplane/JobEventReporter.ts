import { TextWriter } from '../runtime/StreamOperator';

/**
 * What a job's user must hear about without turning DEBUG on: every restart with its cause and
 * attempt number, the failure that ends the job, and each distinct reason a checkpoint was
 * declined. Plain data, so a test or the CLI can capture, format or forward it.
 */
export type JobEvent =
  | {
      readonly type: 'restarting';
      readonly jobName: string;
      readonly jobId: string;
      /** 1 for the first restart of the job. */
      readonly restart: number;
      /** The strategy's limit on restarts, e.g. `fixed-delay(3)`, or its name when it has none. */
      readonly strategy: string;
      /** Whether the strategy caps the number of restarts (fixed-delay does; the others restart for as long as their rate allows). */
      readonly limited: boolean;
      readonly backoffMs: number;
      /** The failure's message: the task, subtask and operator that failed, and why. */
      readonly cause: string;
    }
  | { readonly type: 'failed'; readonly jobName: string; readonly jobId: string; readonly numRestarts: number; readonly cause: string }
  | { readonly type: 'checkpointDeclined'; readonly jobName: string; readonly jobId: string; readonly checkpointId: number; readonly reason: string };

/** Where a job's events go; the environment's default writes one line per event to stderr. */
export interface JobEventReporter {
  report(event: JobEvent): void;
}

/** One line, without a newline, as the default reporter prints it. */
export function describeJobEvent(event: JobEvent): string {
  switch (event.type) {
    case 'restarting': {
      const count = event.limited ? `restart ${event.restart} of ${event.strategy}` : `restart ${event.restart}; ${event.strategy} has no limit`;
      return `job '${event.jobName}' is restarting in ${event.backoffMs} ms (${count}) after a failure: ${event.cause}`;
    }
    case 'failed': {
      const after = event.numRestarts === 0 ? '' : ` after ${event.numRestarts} restart${event.numRestarts === 1 ? '' : 's'}`;
      return `job '${event.jobName}' failed${after}: ${event.cause}`;
    }
    case 'checkpointDeclined':
      return `warning: checkpoint ${event.checkpointId} of job '${event.jobName}' was declined (later declines for the same reason are not repeated): ${event.reason}`;
  }
}

/** Writes each event as a line to `writer`, after `prefix` (the CLI's `brook: `). */
export function writerReporter(writer: TextWriter, prefix = ''): JobEventReporter {
  return { report: (event) => writer.write(`${prefix}${describeJobEvent(event)}\n`) };
}

/** For jobs submitted without a reporter: the process's stderr, so failures are never silent. */
export const stderrReporter: JobEventReporter = writerReporter({ write: (s) => void process.stderr.write(s) });
