import { Collector, KeySelector } from '../core/functions';
import { OutputTag } from '../core/OutputTag';
import { InternalTimer, InternalTimerService, Triggerable } from '../runtime/InternalTimerService';
import { AbstractKeyedStreamOperator } from '../runtime/operators/AbstractKeyedStreamOperator';
import { VOID_NAMESPACE } from '../runtime/state/Namespace';
import { StateTable } from '../runtime/state/StateTable';
import { MAX_WATERMARK } from '../time/Watermark';
import { HeapKeyedStateBackend } from '../runtime/state/HeapKeyedStateBackend';
import { isMergingAssigner, MergingWindowAssigner, WindowAssigner, WindowAssignerContext } from './assigners/WindowAssigner';
import { InternalWindowFunction } from './functions/InternalWindowFunction';
import { WindowContents } from './functions/WindowContents';
import { MergingWindowSet, WindowMapping } from './MergingWindowSet';
import { Trigger, isFire, isPurge } from './triggers/Trigger';
import { WindowProcessContext, WindowTriggerContext } from './WindowContexts';
import { restoreWindow } from './windows/restoreWindow';
import { Window } from './windows/Window';

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
 * Flink's WindowOperator, for merging (session) and non-merging windows. Per element: assign
 * windows (merging them into the key's in-flight windows for sessions), skip windows that are
 * already late (maxTimestamp + allowedLateness <= watermark), add to the window's contents in
 * keyed state, ask the trigger; an element that went into no window and is itself late goes to
 * the late-data side output or is counted as dropped. A watermark first fires every due timer,
 * in timestamp order, and only then is forwarded. Results carry the window's maxTimestamp.
 */
export class WindowOperator<IN, K, W extends Window, ACC, R, OUT>
  extends AbstractKeyedStreamOperator<IN, OUT, K>
  implements Triggerable<K, W>, WindowAssignerContext
{
  protected windowState!: StateTable<K, W, ACC>;
  private mergingSets: StateTable<K, null, readonly WindowMapping<W>[]> | undefined;
  protected timers!: InternalTimerService<K, W>;
  protected readonly triggerContext: WindowTriggerContext<W>;
  protected readonly processContext: WindowProcessContext<W>;
  protected readonly collector: Collector<OUT> & { timestamp: number };
  /** Per element: fixed by the assigner, read once. */
  private readonly eventTime: boolean;
  private readonly merging: boolean;

  constructor(
    protected readonly config: WindowOperatorConfig<IN, K, W, ACC, R, OUT>,
    name: string,
  ) {
    super(name);
    if (config.allowedLateness < 0) throw new RangeError('allowedLateness must be >= 0');
    if (config.assigner.isMerging && !config.trigger.canMerge()) {
      throw new Error(`A merging window assigner cannot be used with a trigger that does not support merging (${config.trigger.toString()})`);
    }
    this.eventTime = config.assigner.isEventTime();
    this.merging = isMergingAssigner(config.assigner);
    this.triggerContext = new WindowTriggerContext<W>();
    this.processContext = new WindowProcessContext<W>((tag, value) => this.output.collectSide(tag, value, this.collector.timestamp));
    const collector = {
      timestamp: 0,
      collect: (value: OUT): void => this.output.collect(value, collector.timestamp),
    };
    this.collector = collector;
  }

  override open(): void {
    const contents = this.config.contents;
    this.windowState = this.keyed.backend.createTable<W, ACC>('window-contents', (a) => contents.copy(a), restoreWindow);
    if (this.config.assigner.isMerging) {
      this.mergingSets = this.keyed.backend.createTable<null, readonly WindowMapping<W>[]>(
        'merging-window-set',
        (m) => m,
        () => null,
      );
    }
    this.timers = this.keyed.getInternalTimerService<W>('window-timers', this, restoreWindow);
    const timers = this.timers as InternalTimerService<unknown, W>;
    const backend = this.keyed.backend as HeapKeyedStateBackend<unknown>;
    this.triggerContext.bindServices(timers, backend);
    this.processContext.bindServices(timers, backend);
    // Read by the dashboard to answer "why does my window not fire?": the watermark must reach
    // the next event-time timer (a window's end, or its cleanup time with allowed lateness).
    this.metrics.gauge('numEventTimeTimers', () => this.timers.numEventTimeTimers());
    this.metrics.gauge('nextEventTimeTimer', () => this.timers.nextEventTimeTimer() ?? null);
  }

  getCurrentProcessingTime(): number {
    return this.context.processingTimeService.getCurrentProcessingTime();
  }

  get currentWatermark(): number {
    return this.timers.currentWatermark();
  }

  /** Number of (key, window) contents held; for tests and metrics. */
  numberOfPanes(): number {
    return this.windowState.size();
  }

  processElement(value: IN, timestamp: number): void {
    try {
      this.setCurrentKey(this.config.keySelector(value));
    } catch (e) {
      this.userFunctionFailed(e, value);
      return;
    }
    const { assigner, trigger, allowedLateness } = this.config;
    const windows = assigner.assignWindows(value, timestamp, this);
    let skipped = true;
    const mergingSet = this.merging ? this.mergingWindowSet(assigner as MergingWindowAssigner<IN, W>) : undefined;
    for (let w = 0; w < windows.length; w++) {
      const assigned = windows[w];
      let window = assigned;
      let stateWindow = assigned;
      if (mergingSet) {
        window = mergingSet.addWindow(assigned, (result, merged, stateResult, mergedStates) => this.merge(result, merged, stateResult, mergedStates));
        if (this.isWindowLate(window)) {
          mergingSet.retireWindow(window);
          continue;
        }
        stateWindow = mergingSet.getStateWindow(window)!;
      } else if (this.isWindowLate(window)) {
        continue;
      }
      skipped = false;
      try {
        this.addElement(stateWindow, value, timestamp);
      } catch (e) {
        this.userFunctionFailed(e, value);
        return;
      }
      const result = trigger.onElement(value, timestamp, window, this.triggerContext.bind(window));
      if (isFire(result)) {
        const acc = this.windowState.get(stateWindow);
        if (acc !== undefined) this.emitWindowContents(window, stateWindow, acc);
      }
      if (isPurge(result)) this.windowState.remove(stateWindow);
      this.registerCleanupTimer(window);
    }
    if (mergingSet) this.persist(mergingSet);
    if (skipped && this.eventTime && timestamp + allowedLateness <= this.currentWatermark) {
      if (this.config.lateDataOutputTag) this.output.collectSide(this.config.lateDataOutputTag, value, timestamp);
      else this.metrics.numLateRecordsDropped++;
    }
  }

  onEventTime(timer: InternalTimer<K, W>): void {
    this.onTimer(timer, true);
  }

  onProcessingTime(timer: InternalTimer<K, W>): void {
    this.onTimer(timer, false);
  }

  /** Adds an element to the contents of `stateWindow`. */
  protected addElement(stateWindow: W, value: IN, _timestamp: number): void {
    this.windowState.transform(stateWindow, value, this.addToContents);
  }

  /** Created once: addElement runs per element. */
  private readonly addToContents = (acc: ACC | undefined, value: IN): ACC => this.config.contents.add(acc, value);

  /** Runs the window function on the contents; results are stamped with window.maxTimestamp. */
  protected emitWindowContents(window: W, _stateWindow: W, acc: ACC): void {
    this.collector.timestamp = window.maxTimestamp();
    try {
      const result = this.config.contents.getResult(acc);
      this.config.windowFunction.process(this.getCurrentKey(), this.processContext.bind(window), result, this.collector);
    } catch (e) {
      this.userFunctionFailed(e, { key: this.getCurrentKey(), window: String(window) });
    }
  }

  private onTimer(timer: InternalTimer<K, W>, eventTime: boolean): void {
    const window = timer.namespace;
    let stateWindow = window;
    const mergingSet = this.merging ? this.mergingWindowSet(this.config.assigner as MergingWindowAssigner<IN, W>) : undefined;
    if (mergingSet) {
      const s = mergingSet.getStateWindow(window);
      // Flink: a timer of a window that no longer exists (a trigger that left a timer behind).
      if (s === undefined) return;
      stateWindow = s;
    }
    const ctx = this.triggerContext.bind(window);
    const result = eventTime
      ? this.config.trigger.onEventTime(timer.timestamp, window, ctx)
      : this.config.trigger.onProcessingTime(timer.timestamp, window, ctx);
    if (isFire(result)) {
      const acc = this.windowState.get(stateWindow);
      if (acc !== undefined) this.emitWindowContents(window, stateWindow, acc);
    }
    if (isPurge(result)) this.windowState.remove(stateWindow);
    if (this.eventTime === eventTime && this.isCleanupTime(window, timer.timestamp)) {
      this.clearAllState(window, stateWindow, mergingSet);
    }
    if (mergingSet) this.persist(mergingSet);
  }

  /** Flink's merge function: checks, trigger onMerge, clear merged windows, merge their contents. */
  private merge(result: W, mergedWindows: W[], stateWindowResult: W, mergedStateWindows: W[]): void {
    const { allowedLateness } = this.config;
    if (this.eventTime && result.maxTimestamp() + allowedLateness <= this.currentWatermark) {
      throw new Error(
        `The end timestamp of an event-time window cannot become earlier than the current watermark by merging. ` +
          `Current watermark: ${this.currentWatermark} window: ${String(result)}`,
      );
    } else if (!this.eventTime && result.maxTimestamp() <= this.getCurrentProcessingTime()) {
      throw new Error(
        `The end timestamp of a processing-time window cannot become earlier than the current processing time by merging. ` +
          `Current processing time: ${this.getCurrentProcessingTime()} window: ${String(result)}`,
      );
    }
    const ctx = this.triggerContext.bind(result);
    ctx.mergedWindows = mergedWindows;
    try {
      this.config.trigger.onMerge?.(result, ctx);
    } finally {
      ctx.mergedWindows = [];
    }
    for (const m of mergedWindows) {
      this.config.trigger.clear(m, this.triggerContext.bind(m));
      this.deleteCleanupTimer(m);
    }
    // Flink's AggregateFunction#merge may reuse either accumulator: both are read for update
    // (copied if a snapshot holds them, as Flink's removeAndGetOld does), and a source's own
    // accumulator, removed from the state here, may become the target as it is.
    let target = this.windowState.getForUpdate(stateWindowResult);
    for (const source of mergedStateWindows) {
      const acc = this.windowState.getForUpdate(source);
      if (acc === undefined) continue;
      this.windowState.remove(source);
      target = target === undefined ? acc : this.config.contents.merge(target, acc);
    }
    if (target !== undefined) this.windowState.put(stateWindowResult, target);
  }

  private clearAllState(window: W, stateWindow: W, mergingSet: MergingWindowSet<W> | undefined): void {
    this.windowState.remove(stateWindow);
    this.config.trigger.clear(window, this.triggerContext.bind(window));
    this.config.windowFunction.clear(this.processContext.bind(window));
    mergingSet?.retireWindow(window);
  }

  private mergingWindowSet(assigner: MergingWindowAssigner<IN, W>): MergingWindowSet<W> {
    const persisted = this.mergingSets!.get(VOID_NAMESPACE);
    // After a restore the windows are plain data again; restoreWindow returns live ones as they are.
    const mapping = persisted?.map(([w, s]) => [restoreWindow<W>(w), restoreWindow<W>(s)] as const);
    return new MergingWindowSet<W>(assigner as MergingWindowAssigner<unknown, W>, mapping);
  }

  private persist(set: MergingWindowSet<W>): void {
    const changes = set.takeChanges();
    if (!changes) return;
    if (changes.mapping.length === 0) this.mergingSets!.remove(VOID_NAMESPACE);
    else this.mergingSets!.put(VOID_NAMESPACE, changes.mapping);
  }

  /** Flink: event-time windows are cleaned up at maxTimestamp + allowedLateness. */
  private cleanupTime(window: W): number {
    const maxTimestamp = window.maxTimestamp();
    if (!this.eventTime) return maxTimestamp;
    const t = maxTimestamp + this.config.allowedLateness;
    return t >= maxTimestamp && t < MAX_WATERMARK ? t : MAX_WATERMARK;
  }

  private isCleanupTime(window: W, time: number): boolean {
    return time === this.cleanupTime(window);
  }

  protected isWindowLate(window: W): boolean {
    return this.eventTime && this.cleanupTime(window) <= this.timers.currentWatermark();
  }

  private registerCleanupTimer(window: W): void {
    const t = this.cleanupTime(window);
    if (t === MAX_WATERMARK) return;
    if (this.eventTime) this.timers.registerEventTimeTimer(window, t);
    else this.timers.registerProcessingTimeTimer(window, t);
  }

  private deleteCleanupTimer(window: W): void {
    const t = this.cleanupTime(window);
    if (t === MAX_WATERMARK) return;
    if (this.eventTime) this.timers.deleteEventTimeTimer(window, t);
    else this.timers.deleteProcessingTimeTimer(window, t);
  }
}
