/**
 * What a client (`brook run --jobmanager`) and a JobManager process say over the JobManager's
 * port, one frame each: the client submits a job file installed on every host and follows the
 * job; the JobManager forwards the job's output and its outcome.
 */

/** A client's request on the JobManager's port (`brook run --jobmanager`). */
export type FromClient =
  | {
      readonly type: 'submit';
      readonly file: string;
      readonly args: readonly string[];
      readonly parallelism: number | undefined;
      readonly savepoint: { readonly path: string; readonly allowNonRestoredState: boolean } | undefined;
    }
  | { readonly type: 'cancel' };

export type ToClient =
  | { readonly type: 'submitted'; readonly jobId: string; readonly jobName: string }
  | { readonly type: 'stdout' | 'stderr'; readonly text: string }
  | {
      readonly type: 'finished';
      readonly jobName: string;
      readonly netRuntime: number;
      readonly skipped: number;
      readonly late: number;
      readonly numRestarts: number;
    }
  | { readonly type: 'failed'; readonly status: 'CANCELED' | 'FAILED'; readonly message: string };
