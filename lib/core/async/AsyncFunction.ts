/**
 * Flink's AsyncFunction, the TypeScript way: instead of completing a ResultFuture, the function
 * returns a promise of the one result for `input`. `signal` is aborted when the request times
 * out or the task stops (cancel, failover), so a fetch or a driver call can give up early.
 * To emit zero or several results per input, return an array and flatMap it afterwards. A
 * rejection fails the task, naming the operator and the input; a MalformedRecordError skips the
 * input instead.
 */
export type AsyncFunction<IN, OUT> = (input: IN, signal: AbortSignal) => PromiseLike<OUT>;

/** Settings of AsyncDataStream.orderedWait / unorderedWait. */
export interface AsyncWaitOptions<IN, OUT> {
  /** Milliseconds a request may take, from when it is issued (Flink's timeout). */
  readonly timeout: number;
  /**
   * Requests in flight at most (Flink's capacity, default 100). When it is reached the operator
   * takes no more input, which backpressures upstream, until a request completes.
   */
  readonly capacity?: number;
  /**
   * Flink's AsyncFunction#timeout: the result of a request that timed out (its signal is
   * aborted). Throw to fail the task. Without it a timeout fails the task.
   */
  readonly onTimeout?: (input: IN) => OUT;
}

/** Flink's AsyncDataStream.OutputMode. */
export type AsyncOutputMode = 'ORDERED' | 'UNORDERED';

export const DEFAULT_ASYNC_CAPACITY = 100;
