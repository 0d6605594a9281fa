import { Collector } from '../core/functions';
import { TimerServiceSnapshot, TimerSnapshot } from '../runtime/InternalTimerService';
import { KeyId, keyIdentity } from '../runtime/KeyIdentity';
import { AbstractKeyedStreamOperator } from '../runtime/operators/AbstractKeyedStreamOperator';
import { HeapKeyedStateBackend } from '../runtime/state/HeapKeyedStateBackend';
import { KeyGroupSnapshot } from '../runtime/state/KeyedStateSnapshot';
import { namespaceHash } from '../runtime/state/Namespace';
import { OperatorStateSnapshot, StateSnapshotContext } from '../runtime/state/OperatorStateSnapshot';
import { KeyGroupStateMap, StateEntry } from '../runtime/state/StateTable';
import { MAX_WATERMARK, MIN_WATERMARK } from '../time/Watermark';
import { SlidingEventTimeWindows } from './assigners/SlidingEventTimeWindows';
import { TumblingEventTimeWindows } from './assigners/TumblingEventTimeWindows';
import { WindowAssignerContext } from './assigners/WindowAssigner';
import { EventTimeTrigger } from './triggers/EventTimeTrigger';
import { OperatorTime, WindowProcessContext } from './WindowContexts';
import { WindowOperatorConfig } from './WindowOperator';
import { restoreWindow } from './windows/restoreWindow';
import { TimeWindow } from './windows/TimeWindow';

/** The names WindowOperator snapshots its contents and timers under: both operators read both. */
const CONTENTS = 'window-contents';
const TIMERS = 'window-timers';

/** The version of contents the operator does not own alone (a record, restored state). */
const BORROWED = 0;

/** One key's contents in one window. */
interface Pane<K, ACC> {
  readonly key: K;
  readonly keyId: KeyId;
  readonly keyGroup: number;
  /** WindowOperator's timer sequence: ties of one timestamp fire in this order. */
  readonly seq: number;
  /** Undefined only for a restored timer whose window had no contents. */
  acc: ACC | undefined;
  /** At or below the snapshot version, `acc` is shared (with a snapshot, or is a record): copy before changing it. */
  version: number;
}

/** The panes of one window, in the order of their first elements (the order their timers fire in). */
interface OpenWindow<K, ACC> {
  readonly window: TimeWindow;
  readonly end: number;
  readonly hash: number;
  readonly panes: Map<KeyId, Pane<K, ACC>>;
  /**
   * Another open window with the same end. One assigner gives one window per end, but restored
   * windows of another size can end with new ones, and so can windows whose ends round to one
   * number past 2^53: WindowOperator keeps them apart and fires their keys in timer order.
   */
  sameEnd: OpenWindow<K, ACC> | undefined;
}

/**
 * The window operator for the most common window: tumbling or sliding event-time windows with
 * the default EventTimeTrigger, no allowed lateness and no evictor. For these the trigger's
 * only decision is "fire every pane of the window once the watermark reaches its
 * maxTimestamp", so the state is kept window-major: per open window, its keys' contents in the
 * order they arrived. An element costs a lookup of its window (usually the last one) and of its
 * key there; no timer is registered and the key group is resolved once per new pane; a
 * watermark fires whole windows, oldest first. WindowOperator (one row per key, a timer per
 * (key, window)) does the same work with three hash lookups and a timer per element.
 *
 * Results, their order, late-data handling, metrics and snapshots are WindowOperator's: a
 * watermark fires the windows in timestamp order and each window's keys in the order their
 * first element came (WindowOperator's timers, ties in registration order), and snapshots are
 * written in its format ('window-contents' rows and 'window-timers' with their sequence), so
 * either operator restores, at any parallelism, what the other one wrote.
 *
 * One difference on misuse: the check that a key belongs to this subtask's key groups (a
 * keyed stream right before the window) runs when the key's pane is created, not for an
 * element whose windows are all late.
 */
export class PaneWindowOperator<IN, K, ACC, R, OUT> extends AbstractKeyedStreamOperator<IN, OUT, K> implements WindowAssignerContext, OperatorTime {
  /** Whether `config` is one this operator runs exactly as WindowOperator would. */
  static supports(config: { readonly assigner: object; readonly trigger: object; readonly allowedLateness: number }): boolean {
    const { assigner, trigger } = config;
    return (
      config.allowedLateness === 0 &&
      (assigner instanceof TumblingEventTimeWindows || assigner instanceof SlidingEventTimeWindows) &&
      Object.getPrototypeOf(trigger) === EventTimeTrigger.prototype
    );
  }

  private watermark = MIN_WATERMARK;
  /** Open windows by end (the first of those with that end; see OpenWindow.sameEnd). */
  private readonly windows = new Map<number, OpenWindow<K, ACC>>();
  /** Ends of the open windows, ascending: the order they fire in. */
  private readonly ends: number[] = [];
  /** The window of the last element: consecutive elements mostly share it. */
  private lastWindow: OpenWindow<K, ACC> | undefined;
  private paneCount = 0;
  private seq = 0;
  /** Stamped on contents created or copied now; raised by each snapshot. */
  private version = 1;
  private snapshotVersion = 0;
  private readonly processContext: WindowProcessContext<TimeWindow>;
  private readonly collector: Collector<OUT> & { timestamp: number };

  constructor(
    private readonly config: WindowOperatorConfig<IN, K, TimeWindow, ACC, R, OUT>,
    name: string,
  ) {
    super(name);
    if (!PaneWindowOperator.supports(config)) {
      throw new Error(`${name}: PaneWindowOperator runs tumbling or sliding event-time windows with EventTimeTrigger and no allowed lateness only`);
    }
    this.processContext = new WindowProcessContext<TimeWindow>((tag, value) => this.output.collectSide(tag, value, this.collector.timestamp));
    const collector = {
      timestamp: 0,
      collect: (value: OUT): void => this.output.collect(value, collector.timestamp),
    };
    this.collector = collector;
  }

  override open(): void {
    this.processContext.bindServices(this, this.keyed.backend as HeapKeyedStateBackend<unknown>);
    this.restore();
    // WindowOperator's contents hold this name in the keyed backend, so a window function's own
    // state cannot take it (the snapshot writes the contents under it). Never written: it costs
    // the backend's snapshot nothing.
    this.keyed.backend.createTable<TimeWindow, ACC>(CONTENTS, (acc) => acc, restoreWindow);
    this.metrics.gauge('numEventTimeTimers', () => this.paneCount);
    this.metrics.gauge('nextEventTimeTimer', () => this.ends[0] ?? null);
  }

  getCurrentProcessingTime(): number {
    return this.context.processingTimeService.getCurrentProcessingTime();
  }

  currentProcessingTime(): number {
    return this.getCurrentProcessingTime();
  }

  currentWatermark(): number {
    return this.watermark;
  }

  /** Number of (key, window) contents held; for tests and metrics. */
  numberOfPanes(): number {
    let n = 0;
    for (const first of this.windows.values()) {
      for (let w: OpenWindow<K, ACC> | undefined = first; w !== undefined; w = w.sameEnd) for (const pane of w.panes.values()) if (pane.acc !== undefined) n++;
    }
    return n;
  }

  processElement(value: IN, timestamp: number): void {
    const config = this.config;
    let key: K;
    let keyId: KeyId;
    try {
      key = config.keySelector(value);
      // The backend refuses a null key with WindowOperator's error (its key group cannot be computed).
      if (key === null || key === undefined) this.setCurrentKey(key);
      keyId = keyIdentity(key);
    } catch (e) {
      this.userFunctionFailed(e, value);
      return;
    }
    const windows = config.assigner.assignWindows(value, timestamp, this);
    let skipped = true;
    for (let w = 0; w < windows.length; w++) {
      const window = windows[w];
      const end = window.maxTimestamp();
      // WindowOperator's cleanup time: the window's maxTimestamp, but MAX_WATERMARK at the latest.
      if ((end < MAX_WATERMARK ? end : MAX_WATERMARK) <= this.watermark) continue;
      skipped = false;
      const last = this.lastWindow;
      let open = last !== undefined && last.end === end && sameWindow(last.window, window) ? last : this.findWindow(window, end);
      const pane = open?.panes.get(keyId);
      try {
        if (pane === undefined) open = this.addPane(open, window, end, key, value);
        else if (pane.version > this.snapshotVersion) pane.acc = config.contents.add(pane.acc, value);
        else if (pane.acc === undefined) {
          // A restored timer's empty pane takes its first element as addPane does: kept as it is, it stays borrowed.
          pane.acc = config.contents.add(undefined, value);
          if ((pane.acc as unknown) !== value) pane.version = this.version;
        } else {
          pane.acc = config.contents.add(config.contents.copy(pane.acc), value);
          pane.version = this.version;
        }
      } catch (e) {
        this.userFunctionFailed(e, value);
        return;
      }
      this.lastWindow = open;
    }
    if (skipped && timestamp <= this.watermark) {
      if (config.lateDataOutputTag) this.output.collectSide(config.lateDataOutputTag, value, timestamp);
      else this.metrics.numLateRecordsDropped++;
    }
  }

  /** Fires every window the watermark reached, oldest first, before forwarding it. */
  override processWatermark(watermark: number): void {
    this.watermark = watermark;
    const ends = this.ends;
    while (ends.length > 0 && ends[0] <= watermark) {
      const open = this.windows.get(ends[0])!;
      ends.shift();
      this.windows.delete(open.end);
      if (this.lastWindow?.end === open.end) this.lastWindow = undefined;
      if (open.sameEnd === undefined) this.fire(open);
      else this.fireTogether(open);
    }
    super.processWatermark(watermark);
  }

  override snapshotState(context: StateSnapshotContext): OperatorStateSnapshot {
    const keyed = super.snapshotState(context).keyed as Map<number, KeyGroupSnapshot>;
    const group = (kg: number): KeyGroupSnapshot => {
      let s = keyed.get(kg);
      if (!s) keyed.set(kg, (s = { states: {}, timers: {} }));
      return s;
    };
    for (const end of this.ends) {
      for (let open = this.windows.get(end); open !== undefined; open = open.sameEnd) {
        const { window, hash, panes } = open;
        for (const pane of panes.values()) {
          const snapshot = group(pane.keyGroup);
          let timers = snapshot.timers[TIMERS];
          if (!timers) snapshot.timers[TIMERS] = timers = { event: [], processing: [] };
          timers.event.push({ timestamp: end, key: pane.key, namespace: window, seq: pane.seq });
          if (pane.acc === undefined) continue;
          let contents = snapshot.states[CONTENTS] as KeyGroupStateMap<K, TimeWindow, ACC> | undefined;
          if (!contents) snapshot.states[CONTENTS] = (contents = new Map()) as KeyGroupStateMap<unknown, unknown, unknown>;
          let row = contents.get(pane.keyId);
          if (!row) contents.set(pane.keyId, (row = { key: pane.key, entries: [], version: this.version }));
          row.entries.push({ namespace: window, hash, value: pane.acc, version: pane.version });
        }
      }
    }
    // The snapshot holds every accumulator by reference now: the next change copies it.
    this.snapshotVersion = this.version;
    this.version++;
    return { keyed };
  }

  private findWindow(window: TimeWindow, end: number): OpenWindow<K, ACC> | undefined {
    let open = this.windows.get(end);
    while (open !== undefined && !sameWindow(open.window, window)) open = open.sameEnd;
    return open;
  }

  private openWindow(window: TimeWindow, end: number): OpenWindow<K, ACC> {
    const first = this.windows.get(end);
    let last = first;
    for (let w = first; w !== undefined; w = w.sameEnd) {
      if (sameWindow(w.window, window)) return w;
      last = w;
    }
    const open: OpenWindow<K, ACC> = { window, end, hash: namespaceHash(window), panes: new Map(), sameEnd: undefined };
    if (last !== undefined) {
      last.sameEnd = open;
      return open;
    }
    this.windows.set(end, open);
    // A window without an end (NaN: an infinite timestamp's) never fires, as in WindowOperator:
    // it stays last, behind every window that can.
    const ends = this.ends;
    let i = ends.length;
    if (!Number.isNaN(end)) while (i > 0 && !(ends[i - 1] <= end)) i--;
    ends.splice(i, 0, end);
    return open;
  }

  /**
   * A key's first element in a window; the pane starts with the element itself if the contents
   * keep it as it is. The window opens only once the contents took the element: one the user
   * function declared malformed leaves no empty window behind (it would show as the next timer).
   */
  private addPane(existing: OpenWindow<K, ACC> | undefined, window: TimeWindow, end: number, key: K, value: IN): OpenWindow<K, ACC> {
    this.setCurrentKey(key);
    const acc = this.config.contents.add(undefined, value);
    const open = existing ?? this.openWindow(window, end);
    const backend = this.keyed.backend;
    const keyGroup = backend.keyGroupRange.start + backend.currentKeyGroupIndex;
    const version = (acc as unknown) === value ? BORROWED : this.version;
    open.panes.set(backend.currentKeyId, { key, keyId: backend.currentKeyId, keyGroup, seq: this.seq++, acc, version });
    this.paneCount++;
    return open;
  }

  /** WindowOperator's onEventTime at the window's end, for each key: fire, then clear. */
  private fire(open: OpenWindow<K, ACC>): void {
    this.collector.timestamp = open.end;
    for (const pane of open.panes.values()) this.firePane(open.window, pane);
  }

  /** Windows that end together: their keys fire in one sequence, as WindowOperator's timers of one timestamp do. */
  private fireTogether(first: OpenWindow<K, ACC>): void {
    const due: Array<{ window: TimeWindow; pane: Pane<K, ACC> }> = [];
    for (let open: OpenWindow<K, ACC> | undefined = first; open !== undefined; open = open.sameEnd) {
      for (const pane of open.panes.values()) due.push({ window: open.window, pane });
    }
    due.sort((a, b) => a.pane.seq - b.pane.seq);
    this.collector.timestamp = first.end;
    for (const { window, pane } of due) this.firePane(window, pane);
  }

  private firePane(window: TimeWindow, pane: Pane<K, ACC>): void {
    const { contents, windowFunction } = this.config;
    this.paneCount--;
    this.setCurrentKey(pane.key);
    const context = this.processContext.bind(window);
    if (pane.acc !== undefined) {
      try {
        windowFunction.process(pane.key, context, contents.getResult(pane.acc), this.collector);
      } catch (e) {
        this.userFunctionFailed(e, { key: pane.key, window: String(window) });
      }
    }
    windowFunction.clear(context);
  }

  /**
   * Takes what a snapshot holds under WindowOperator's names: each timer becomes a pane of its
   * window, in the order the timers would fire (timestamp, then sequence); each window's
   * contents join their key's pane. Contents stay shared with the snapshot until changed.
   */
  private restore(): void {
    const timers: TimerServiceSnapshot = this.keyed.takeRestoredTimers(TIMERS);
    if (timers.processing.length > 0) {
      throw new Error(`${this.name}: the restored state has processing-time window timers; this event-time window cannot take them`);
    }
    const bySeq = (a: TimerSnapshot, b: TimerSnapshot): number => a.timestamp - b.timestamp || a.seq - b.seq;
    for (const timer of [...timers.event].sort(bySeq)) {
      const window = this.restoredWindow(timer.namespace);
      // Object.is: a window without an end has its timer at NaN, which is no mismatch.
      if (!Object.is(timer.timestamp, window.maxTimestamp())) {
        throw new Error(
          `${this.name}: the restored state has a timer at ${timer.timestamp} for window ${String(window)}, which fires at ` +
            `${window.maxTimestamp()} without allowed lateness: restore with the trigger and allowed lateness the job had`,
        );
      }
      this.restoredPane(window, timer.key as K);
    }
    for (const map of this.keyed.backend.takeRestored(CONTENTS).values()) {
      for (const row of (map as KeyGroupStateMap<K, unknown, ACC>).values()) {
        for (const entry of row.entries as StateEntry<unknown, ACC>[]) {
          const pane = this.restoredPane(this.restoredWindow(entry.namespace), row.key);
          pane.acc = entry.value;
        }
      }
    }
  }

  private restoredWindow(plain: unknown): TimeWindow {
    const window = restoreWindow<TimeWindow>(plain);
    if (!(window instanceof TimeWindow)) throw new Error(`${this.name}: the restored window ${String(window)} is not a time window`);
    return window;
  }

  private restoredPane(window: TimeWindow, key: K): Pane<K, ACC> {
    const open = this.openWindow(window, window.maxTimestamp());
    this.setCurrentKey(key);
    const backend = this.keyed.backend;
    let pane = open.panes.get(backend.currentKeyId);
    if (pane === undefined) {
      const keyGroup = backend.keyGroupRange.start + backend.currentKeyGroupIndex;
      pane = { key, keyId: backend.currentKeyId, keyGroup, seq: this.seq++, acc: undefined, version: BORROWED };
      open.panes.set(pane.keyId, pane);
      this.paneCount++;
    }
    return pane;
  }
}

/** Windows are compared by value; the assigners hand out one object for the windows of a slide. */
function sameWindow(a: TimeWindow, b: TimeWindow): boolean {
  return a === b || a.equals(b);
}
