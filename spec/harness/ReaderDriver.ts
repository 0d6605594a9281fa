import { InputStatus, Source, SourceReader, SourceReaderContext } from '../../lib/connectors/source/Source';
import { CheckpointingMode } from '../../lib/runtime/checkpoint/CheckpointBarrier';
import { ManualClock } from '../../lib/time/ManualClock';

const SILENT = Object.assign(() => undefined, { enabled: false }) as unknown as SourceReaderContext['log'];

/**
 * One source reader driven by hand, as a source task would drive it: the test decides when it
 * is polled and for how many records, and what time its clock shows. What the reader reports
 * through its context (failures, warnings, gauges) is kept for the test to inspect.
 */
export class ReaderDriver<T> {
  readonly emitted: T[] = [];
  readonly failures: Error[] = [];
  readonly warnings: string[] = [];
  readonly skipped: string[] = [];
  readonly reader: SourceReader<T>;
  private readonly gauges = new Map<string, () => number | null>();
  private wakeups = 0;
  private lastStatus: InputStatus | undefined;

  constructor(
    source: Source<T>,
    readonly clock: ManualClock = new ManualClock(0),
    restoredSplits?: readonly unknown[],
    checkpointingMode?: CheckpointingMode,
    /** Which parallel part of the source this reader is (default: the only one). */
    subtask: { readonly index: number; readonly parallelism: number } = { index: 0, parallelism: 1 },
  ) {
    const context: SourceReaderContext = {
      subtaskIndex: subtask.index,
      parallelism: subtask.parallelism,
      clock,
      log: SILENT,
      wakeup: () => void this.wakeups++,
      fail: (error) => void this.failures.push(error),
      warn: (message) => void this.warnings.push(message),
      skipRecord: (reason) => void this.skipped.push(reason),
      metricGroup: { gauge: (name, read) => void this.gauges.set(name, read) },
      restoredSplits,
      checkpointingMode,
    };
    this.reader = source.createReader(context);
  }

  start(): this {
    this.reader.start();
    return this;
  }

  /** One poll of at most `max` records, as a task with `max` credits does. */
  poll(max: number): InputStatus {
    this.lastStatus = this.reader.pollNext({ collect: (v) => void this.emitted.push(v) }, max);
    return this.lastStatus;
  }

  /** Polls (at most `max` per poll) until `count` records were emitted in all, waiting for real I/O in between. */
  async pollUntilEmitted(count: number, max = count, timeoutMs = 5000): Promise<void> {
    await waitFor(
      `${count} records emitted`,
      () => {
        if (this.emitted.length < count) this.poll(Math.min(max, count - this.emitted.length));
        return this.emitted.length >= count;
      },
      timeoutMs,
    );
  }

  /** Polls until the reader says END_OF_INPUT or failed. */
  async pollUntilEndOrFailure(timeoutMs = 5000): Promise<InputStatus | Error> {
    let outcome: InputStatus | Error | undefined;
    await waitFor(
      'the end of input or a failure',
      () => {
        if (this.failures.length > 0) outcome = this.failures[0];
        else if (this.poll(1000) === 'END_OF_INPUT') outcome = 'END_OF_INPUT';
        return outcome !== undefined;
      },
      timeoutMs,
    );
    return outcome!;
  }

  gauge(name: string): number | null | undefined {
    return this.gauges.get(name)?.();
  }

  get wakeupCount(): number {
    return this.wakeups;
  }

  close(): void {
    this.reader.close();
  }
}

/**
 * Waits for real I/O (a Redis reply, a file read) by condition, checking every few ms; fails
 * naming what it waited for after `timeoutMs` of wall time. Never used to let logic time pass.
 */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
