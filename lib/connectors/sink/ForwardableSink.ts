import { Sink } from './SinkFunction';

/**
 * A sink whose results belong to whoever submitted the job (CollectSink, executeAndCollect, test
 * sinks), even when its writers run on TaskManager threads: there the sink is told to post its
 * results (structured-cloneable data) instead of keeping them, and the submitter's instance of
 * the same sink (same node of an identical job graph) accepts what was posted.
 */
export interface ForwardableSink<T> extends Sink<T>, ForwardsResults {}

/** The forwarding half of a ForwardableSink, for any kind of sink (a two-phase-commit sink forwards what it committed). */
export interface ForwardsResults {
  /** On a TaskManager thread: writers created from now on post their results here. */
  forwardTo(post: (results: unknown) => void): void;
  /** On the submitter's thread: results posted by writers on another thread. */
  acceptForwarded(results: unknown): void;
}

export function isForwardableSink<T>(sink: Sink<T> | undefined): sink is ForwardableSink<T> {
  return forwardsResults(sink);
}

export function forwardsResults(sink: object | undefined): sink is ForwardsResults {
  return sink !== undefined && typeof (sink as ForwardsResults).forwardTo === 'function' && typeof (sink as ForwardsResults).acceptForwarded === 'function';
}
