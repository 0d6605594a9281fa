import { Collector, KeySelector } from '../api/functions';
import { OutputTag } from '../api/OutputTag';
import { AbstractStreamOperator } from '../runtime/AbstractStreamOperator';
import { InternalTimer, InternalTimerService, KeyContext, Triggerable } from '../runtime/InternalTimerService';
import { KeyId, keyIdentity } from '../runtime/KeyIdentity';
import { MAX_WATERMARK } from '../time/Watermark';
import { WindowAssigner, WindowAssignerContext } from './assigners/WindowAssigner';
import { InternalWindowFunction } from './functions/InternalWindowFunction';
import { ProcessWindowContext } from './functions/ProcessWindowFunction';
import { WindowContents } from './functions/WindowContents';
import { Trigger, TriggerContext, TriggerState, isFire, isPurge } from './triggers/Trigger';
import { Window } from './windows/Window';

/** One (key, window) pane: its accumulator and its trigger's state. */
interface Pane<W extends Window, ACC> {
  readonly window: W;
  accumulator: ACC;
  hasContents: boolean;
  triggerState: Map<string, unknown> | undefined;
}

export interface WindowOperatorConfig<IN, K, W extends Window, ACC, R, OUT> {
  readonly keySelector: KeySelector<IN, K>;
  readonly assigner: WindowAssigner<IN, W>;
  readonly trigger: Trigger<IN, W>;
  readonly contents: WindowContents<IN, ACC, R>;
  readonly windowFunction: InternalWindowFunction<R, OUT, K, W>;
  readonly allowedLateness: number;
  readonly lateDataOutputTag: OutputTag<IN> | undefined;
}

/**
 * Flink's WindowOperator for non-merging windows. Per element: assign windows, skip windows
 * that are already late (maxTimestamp + allowedLateness <= watermark), add to the pane, ask the
 * trigger; an element that went into no window and is itself late goes to the late-data side
 * output or is counted as dropped. A watermark first fires every due timer, in timestamp
 * order, and only then is forwarded, so window results precede the watermark that closed them.
 * Results carry the window's maxTimestamp as their timestamp.
 */
export class WindowOperator<IN, K, W extends Window, ACC, R, OUT>
  extends AbstractStreamOperator<IN, OUT>
  implements Triggerable<K, W>, KeyContext<K>, WindowAssignerContext
{
  private readonly panes = new Map<KeyId, Pane<W, ACC>[]>();
  private timers!: InternalTimerService<K, W>;
  private currentKey!: K;
  private currentKeyId!: KeyId;
  private readonly triggerContext = new PaneTriggerContext<W>(this);
  private readonly processContext = new PaneProcessContext<W>(this);
  private readonly collector: Collector<OUT> & { timestamp: number };

  constructor(
    private readonly config: WindowOperatorConfig<IN, K, W, ACC, R, OUT>,
    name: string,
  ) {
    super(name);
    if (config.assigner.isMerging) {
      throw new Error(`${config.assigner.toString()} merges windows; this operator handles only non-merging assigners`);
    }
    if (config.allowedLateness < 0) throw new RangeError('allowedLateness must be >= 0');
    const self = this;
    this.collector = {
      timestamp: 0,
      collect(value: OUT): void {
        self.output.collect(value, this.timestamp);
      },
    };
  }

  override open(): void {
    this.timers = new InternalTimerService<K, W>(this, this.context.processingTimeService, this);
    // Read by the dashboard to answer "why does my window not fire?": the watermark must reach
    // the next event-time timer (a window's end, or its cleanup time with allowed lateness).
    this.metrics.gauge('numEventTimeTimers', () => this.timers.numEventTimeTimers());
    this.metrics.gauge('nextEventTimeTimer', () => this.timers.nextEventTimeTimer() ?? null);
  }

  // KeyContext
  getCurrentKey(): K {
    return this.currentKey;
  }

  setCurrentKey(key: K): void {
    this.currentKey = key;
    this.currentKeyId = keyIdentity(key);
  }

  getCurrentProcessingTime(): number {
    return this.context.processingTimeService.getCurrentProcessingTime();
  }

  get timerService(): InternalTimerService<K, W> {
    return this.timers;
  }

  get currentWatermark(): number {
    return this.timers.currentWatermark();
  }

  /** Number of live (key, window) panes; for tests and metrics. */
  numberOfPanes(): number {
    let n = 0;
    for (const list of this.panes.values()) n += list.length;
    return n;
  }

  processElement(value: IN, timestamp: number): void {
    const { assigner, trigger, contents, allowedLateness } = this.config;
    let key: K;
    try {
      key = this.config.keySelector(value);
    } catch (e) {
      this.userFunctionFailed(e, value);
      return;
    }
    this.setCurrentKey(key);
    const windows = assigner.assignWindows(value, timestamp, this);
    let skipped = true;
    for (const assigned of windows) {
      if (this.isWindowLate(assigned)) continue;
      skipped = false;
      const pane = this.paneFor(assigned, true)!;
      try {
        pane.accumulator = contents.add(pane.accumulator, value);
      } catch (e) {
        this.userFunctionFailed(e, value);
        return;
      }
      pane.hasContents = true;
      const result = trigger.onElement(value, timestamp, pane.window, this.triggerContext.bind(pane.window));
      if (isFire(result)) this.emitWindowContents(pane);
      if (isPurge(result)) this.purge(pane);
      this.registerCleanupTimer(pane.window);
    }
    if (skipped && assigner.isEventTime() && timestamp + allowedLateness <= this.currentWatermark) {
      if (this.config.lateDataOutputTag) this.output.collectSide(this.config.lateDataOutputTag, value, timestamp);
      else this.metrics.numLateRecordsDropped++;
    }
  }

  override processWatermark(watermark: number): void {
    this.timers.advanceWatermark(watermark);
    super.processWatermark(watermark);
  }

  onEventTime(timer: InternalTimer<K, W>): void {
    this.onTimer(timer, true);
  }

  onProcessingTime(timer: InternalTimer<K, W>): void {
    this.onTimer(timer, false);
  }

  override close(): void {
    this.timers?.close();
  }

  private onTimer(timer: InternalTimer<K, W>, eventTime: boolean): void {
    const window = timer.namespace;
    const pane = this.paneFor(window, false);
    const ctx = this.triggerContext.bind(window);
    const result = eventTime
      ? this.config.trigger.onEventTime(timer.timestamp, window, ctx)
      : this.config.trigger.onProcessingTime(timer.timestamp, window, ctx);
    if (pane && isFire(result)) this.emitWindowContents(pane);
    if (pane && isPurge(result)) this.purge(pane);
    if (this.config.assigner.isEventTime() === eventTime && this.isCleanupTime(window, timer.timestamp)) {
      this.clearAllState(window);
    }
  }

  /** The canonical pane of `window` for the current key; timers use its window object. */
  paneFor(window: W, create: boolean): Pane<W, ACC> | undefined {
    let list = this.panes.get(this.currentKeyId);
    if (list) {
      for (const p of list) if (p.window === window || p.window.equals(window)) return p;
    }
    if (!create) return undefined;
    const pane: Pane<W, ACC> = {
      window,
      accumulator: this.config.contents.createAccumulator(),
      hasContents: false,
      triggerState: undefined,
    };
    if (!list) this.panes.set(this.currentKeyId, (list = []));
    list.push(pane);
    return pane;
  }

  private emitWindowContents(pane: Pane<W, ACC>): void {
    if (!pane.hasContents) return;
    this.collector.timestamp = pane.window.maxTimestamp();
    const result = this.config.contents.getResult(pane.accumulator);
    try {
      this.config.windowFunction.process(this.currentKey, this.processContext.bind(pane.window), result, this.collector);
    } catch (e) {
      this.userFunctionFailed(e, { key: this.currentKey, window: pane.window.toString() });
    }
  }

  private purge(pane: Pane<W, ACC>): void {
    pane.accumulator = this.config.contents.createAccumulator();
    pane.hasContents = false;
  }

  private clearAllState(window: W): void {
    const list = this.panes.get(this.currentKeyId);
    if (list) {
      const i = list.findIndex((p) => p.window === window || p.window.equals(window));
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.panes.delete(this.currentKeyId);
    }
    this.config.trigger.clear(window, this.triggerContext.bind(window));
    this.config.windowFunction.clear(this.processContext.bind(window));
  }

  /** Flink: event-time windows are cleaned up at maxTimestamp + allowedLateness. */
  private cleanupTime(window: W): number {
    if (!this.config.assigner.isEventTime()) return window.maxTimestamp();
    const t = window.maxTimestamp() + this.config.allowedLateness;
    return t >= window.maxTimestamp() && t < MAX_WATERMARK ? t : MAX_WATERMARK;
  }

  private isCleanupTime(window: W, time: number): boolean {
    return time === this.cleanupTime(window);
  }

  private isWindowLate(window: W): boolean {
    return this.config.assigner.isEventTime() && this.cleanupTime(window) <= this.currentWatermark;
  }

  private registerCleanupTimer(window: W): void {
    const t = this.cleanupTime(window);
    if (t === MAX_WATERMARK) return;
    if (this.config.assigner.isEventTime()) this.timers.registerEventTimeTimer(window, t);
    else this.timers.registerProcessingTimeTimer(window, t);
  }

  /** Trigger state lives on the pane; a pane is created only when state is written. */
  triggerStateOf(window: W, create: boolean): Map<string, unknown> | undefined {
    const pane = this.paneFor(window, create);
    if (!pane) return undefined;
    return (pane.triggerState ??= new Map());
  }

  emitSide<S>(tag: OutputTag<S>, value: S): void {
    this.output.collectSide(tag, value, this.collector.timestamp);
  }
}

class PaneTriggerContext<W extends Window> implements TriggerContext {
  private window!: W;

  constructor(private readonly op: WindowOperator<never, unknown, W, unknown, unknown, unknown>) {}

  bind(window: W): this {
    this.window = window;
    return this;
  }

  getCurrentWatermark(): number {
    return this.op.currentWatermark;
  }
  getCurrentProcessingTime(): number {
    return this.op.getCurrentProcessingTime();
  }
  registerEventTimeTimer(time: number): void {
    this.op.timerService.registerEventTimeTimer(this.window, time);
  }
  deleteEventTimeTimer(time: number): void {
    this.op.timerService.deleteEventTimeTimer(this.window, time);
  }
  registerProcessingTimeTimer(time: number): void {
    this.op.timerService.registerProcessingTimeTimer(this.window, time);
  }
  deleteProcessingTimeTimer(time: number): void {
    this.op.timerService.deleteProcessingTimeTimer(this.window, time);
  }
  getState<V>(name: string): TriggerState<V> {
    const window = this.window;
    return {
      get: () => this.op.triggerStateOf(window, false)?.get(name) as V | undefined,
      update: (v: V) => void this.op.triggerStateOf(window, true)!.set(name, v),
      clear: () => void this.op.triggerStateOf(window, false)?.delete(name),
    };
  }
}

class PaneProcessContext<W extends Window> implements ProcessWindowContext<W> {
  window!: W;

  constructor(private readonly op: WindowOperator<never, unknown, W, unknown, unknown, unknown>) {}

  bind(window: W): this {
    this.window = window;
    return this;
  }

  currentWatermark(): number {
    return this.op.currentWatermark;
  }
  currentProcessingTime(): number {
    return this.op.getCurrentProcessingTime();
  }
  output<S>(tag: OutputTag<S>, value: S): void {
    this.op.emitSide(tag, value);
  }
}
