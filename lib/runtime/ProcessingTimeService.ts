export interface Cancellable {
  cancel(): void;
}

/**
 * Processing-time callbacks for operators. In a running task the callback is run from the
 * task's mailbox (never concurrently with record processing); in the operator harness it runs
 * when the test advances its manual clock.
 */
export interface ProcessingTimeService {
  getCurrentProcessingTime(): number;
  registerTimer(timestamp: number, callback: (timestamp: number) => void): Cancellable;
}
