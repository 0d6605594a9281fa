import createDebug from 'debug';
import { OutputTag } from '../../lib/core/OutputTag';
import { CheckpointingMode } from '../../lib/runtime/checkpoint/CheckpointBarrier';
import { computeKeyGroupRangeForOperatorIndex } from '../../lib/partitioners/keyGroups';
import { Cancellable, ProcessingTimeService } from '../../lib/runtime/ProcessingTimeService';
import { OperatorStateSnapshot } from '../../lib/runtime/state/OperatorStateSnapshot';
import { isTwoInputOperator, TwoInputStreamOperator } from '../../lib/runtime/TwoInputStreamOperator';
import { OperatorContext, Output, StreamOperator, TextWriter } from '../../lib/runtime/StreamOperator';
import { OperatorMetrics } from '../../lib/runtime/TaskMetrics';
import { WatermarkStatus } from '../../lib/runtime/WatermarkStatus';
import { ManualClock } from '../../lib/time/ManualClock';
import { NO_TIMESTAMP } from '../../lib/time/Watermark';

export type HarnessEvent<T> =
  | { readonly kind: 'record'; readonly value: T; readonly timestamp: number }
  | { readonly kind: 'watermark'; readonly watermark: number }
  | { readonly kind: 'status'; readonly status: WatermarkStatus };

export interface HarnessOptions {
  readonly clock?: ManualClock;
  readonly subtaskIndex?: number;
  readonly parallelism?: number;
  readonly maxParallelism?: number;
  readonly autoWatermarkInterval?: number;
  /** The job's checkpointing mode (two-phase-commit sinks need one); default: none. */
  readonly checkpointingMode?: CheckpointingMode;
  /** The job run the operator belongs to, as a task gives it; default: none (an operator run outside a job). */
  readonly jobId?: string;
  /** The TaskManager's fence (see OperatorContext.checkFence); default: none. */
  readonly checkFence?: (action: string) => Promise<void>;
}

/**
 * Flink's OneInputStreamOperatorTestHarness: feed one operator elements, watermarks and
 * processing time on a manual clock, and read what it emitted, in order.
 */
export class OperatorHarness<IN, OUT> {
  readonly clock: ManualClock;
  readonly metrics: OperatorMetrics;
  readonly events: HarnessEvent<OUT>[] = [];
  readonly sideOutputs = new Map<string, Array<{ value: unknown; timestamp: number }>>();
  readonly printed: string[] = [];
  private mark = 0;
  /** Async work the operator handed the runtime (commits, aborts), not yet settled. */
  private readonly asyncWork = new Set<Promise<unknown>>();
  /** Actions the operator posted to its task's mailbox (async completions), run by runMailbox. */
  readonly mailbox: Array<{ action: () => void; description: string }> = [];
  private readonly subtaskIndex: number;
  private readonly parallelism: number;
  private readonly maxParallelism: number;

  constructor(
    readonly operator: StreamOperator<IN, OUT>,
    options: HarnessOptions = {},
  ) {
    this.clock = options.clock ?? new ManualClock(0);
    this.subtaskIndex = options.subtaskIndex ?? 0;
    this.parallelism = options.parallelism ?? 1;
    this.maxParallelism = options.maxParallelism ?? 128;
    this.metrics = new OperatorMetrics(operator.name);
    const clock = this.clock;
    const timeService: ProcessingTimeService = {
      getCurrentProcessingTime: () => clock.now(),
      registerTimer(timestamp: number, callback: (ts: number) => void): Cancellable {
        const handle = clock.setTimeout(() => callback(timestamp), timestamp - clock.now());
        return { cancel: () => clock.clearTimeout(handle) };
      },
    };
    const writer: TextWriter = { write: (s) => void this.printed.push(...s.split('\n').filter((l) => l.length > 0)) };
    const context: OperatorContext = {
      operatorName: operator.name,
      taskName: operator.name,
      subtaskIndex: options.subtaskIndex ?? 0,
      parallelism: options.parallelism ?? 1,
      maxParallelism: options.maxParallelism ?? 128,
      attemptNumber: 0,
      clock,
      processingTimeService: timeService,
      metrics: this.metrics,
      log: createDebug(`brook:test:${operator.name}`),
      stdout: writer,
      stderr: writer,
      autoWatermarkInterval: options.autoWatermarkInterval ?? 0,
      checkpointingMode: options.checkpointingMode,
      jobId: options.jobId,
      checkFence: options.checkFence,
      mailboxExecutor: { execute: (action, description) => void this.mailbox.push({ action, description }) },
      trackAsync: (work: Promise<unknown>) => {
        this.asyncWork.add(work);
        const forget = (): void => void this.asyncWork.delete(work);
        work.then(forget, forget);
      },
    };
    const events = this.events;
    const side = this.sideOutputs;
    const metrics = this.metrics;
    const output: Output<OUT> = {
      collect(value: OUT, timestamp: number) {
        metrics.numRecordsOut++;
        events.push({ kind: 'record', value, timestamp });
      },
      collectSide<S>(tag: OutputTag<S>, value: S, timestamp: number) {
        const list = side.get(tag.id) ?? [];
        list.push({ value, timestamp });
        side.set(tag.id, list);
      },
      emitWatermark(watermark: number) {
        events.push({ kind: 'watermark', watermark });
      },
      emitWatermarkStatus(status: WatermarkStatus) {
        events.push({ kind: 'status', status });
      },
    };
    operator.setup(context, output);
  }

  open(): this {
    this.operator.open();
    return this;
  }

  /**
   * Takes a checkpoint of the operator, as a barrier would, and passes it through
   * structuredClone as a checkpoint store would: what comes back is what a restore gets.
   */
  snapshot(checkpointId = 1): OperatorStateSnapshot {
    if (!this.operator.snapshotState) throw new Error(`${this.operator.name} has no state to snapshot`);
    return structuredClone(this.operator.snapshotState({ checkpointId, timestamp: this.clock.now() }));
  }

  /**
   * Restores the operator (before open) from snapshots of the old subtasks, redistributed as
   * Flink redistributes on restore: this subtask's key groups from every snapshot, and a round
   * robin share of the operator-state entries. `restoredCheckpointId` is the checkpoint they
   * were taken at (default 1, as `snapshot`'s).
   */
  initializeState(snapshots: OperatorStateSnapshot | readonly OperatorStateSnapshot[], restoredCheckpointId = 1): this {
    if (!this.operator.initializeState) throw new Error(`${this.operator.name} has no state to restore`);
    const all = Array.isArray(snapshots) ? snapshots : [snapshots as OperatorStateSnapshot];
    const range = computeKeyGroupRangeForOperatorIndex(this.maxParallelism, this.parallelism, this.subtaskIndex);
    const keyed = new Map<number, unknown>();
    for (const s of all) for (const [kg, v] of s.keyed ?? []) if (kg >= range.start && kg <= range.end) keyed.set(kg, v);
    const operatorEntries = all.flatMap((s) => s.operator ?? []).filter((_, i) => i % this.parallelism === this.subtaskIndex);
    this.operator.initializeState({ isRestored: true, restoredCheckpointId, keyGroupRange: range, keyed, operator: operatorEntries });
    return this;
  }

  /** Tells the operator that checkpoint `checkpointId` completed (a two-phase-commit sink commits then). */
  notifyCheckpointComplete(checkpointId: number): this {
    this.operator.notifyCheckpointComplete?.(checkpointId);
    return this;
  }

  /** Waits until the async work the operator started (commits, aborts) settled; rejects with its first failure. */
  async settleAsyncWork(): Promise<void> {
    while (this.asyncWork.size > 0) {
      const results = await Promise.allSettled([...this.asyncWork]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  /**
   * Lets settled promises post their mailbox actions, then runs them in order, as the task's
   * mailbox would between records. An action that throws rejects (the task would fail).
   */
  async runMailbox(): Promise<this> {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.mailbox.length === 0) return this;
      while (this.mailbox.length > 0) this.mailbox.shift()!.action();
    }
  }

  element(value: IN, timestamp: number = NO_TIMESTAMP): this {
    this.metrics.numRecordsIn++;
    this.operator.processElement(value, timestamp);
    return this;
  }

  watermark(watermark: number): this {
    this.operator.processWatermark(watermark);
    return this;
  }

  status(status: WatermarkStatus): this {
    this.operator.processWatermarkStatus(status);
    return this;
  }

  endInput(): this {
    this.operator.endInput();
    return this;
  }

  // Two-input operators (connect, joins): Flink's TwoInputStreamOperatorTestHarness.
  element1(value: unknown, timestamp: number = NO_TIMESTAMP): this {
    this.twoInput().processElement1(value, timestamp);
    return this;
  }

  element2(value: unknown, timestamp: number = NO_TIMESTAMP): this {
    this.twoInput().processElement2(value, timestamp);
    return this;
  }

  watermark1(watermark: number): this {
    this.twoInput().processWatermark1(watermark);
    return this;
  }

  watermark2(watermark: number): this {
    this.twoInput().processWatermark2(watermark);
    return this;
  }

  status1(status: WatermarkStatus): this {
    this.twoInput().processWatermarkStatus1(status);
    return this;
  }

  status2(status: WatermarkStatus): this {
    this.twoInput().processWatermarkStatus2(status);
    return this;
  }

  private twoInput(): TwoInputStreamOperator<unknown, unknown, OUT> {
    const op = this.operator as unknown as StreamOperator<unknown, unknown>;
    if (!isTwoInputOperator(op)) throw new Error(`${this.operator.name} is not a two-input operator`);
    return op as TwoInputStreamOperator<unknown, unknown, OUT>;
  }

  /** Advances processing time, firing due timers in order. */
  advanceProcessingTime(ms: number): this {
    this.clock.advance(ms);
    return this;
  }

  setProcessingTime(time: number): this {
    this.clock.set(time);
    return this;
  }

  close(): void {
    this.operator.close();
  }

  /** Records emitted so far, with their timestamps. */
  records(): Array<{ value: OUT; timestamp: number }> {
    return this.events.flatMap((e) => (e.kind === 'record' ? [{ value: e.value, timestamp: e.timestamp }] : []));
  }

  values(): OUT[] {
    return this.records().map((r) => r.value);
  }

  watermarks(): number[] {
    return this.events.flatMap((e) => (e.kind === 'watermark' ? [e.watermark] : []));
  }

  /** Events since the previous call (Flink tests compare output between watermarks this way). */
  takeOutput(): HarnessEvent<OUT>[] {
    const out = this.events.slice(this.mark);
    this.mark = this.events.length;
    return out;
  }

  sideOutput<S>(tag: OutputTag<S>): Array<{ value: S; timestamp: number }> {
    return (this.sideOutputs.get(tag.id) ?? []) as Array<{ value: S; timestamp: number }>;
  }
}
