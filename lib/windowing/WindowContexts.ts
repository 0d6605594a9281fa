import { OutputTag } from '../core/OutputTag';
import { InternalTimerService } from '../runtime/InternalTimerService';
import { HeapKeyedStateBackend, StateFor } from '../runtime/state/HeapKeyedStateBackend';
import { InternalMergingState } from '../runtime/state/heap/AbstractHeapState';
import { BackendStateStore, KeyedStateStore } from '../core/state/KeyedStateStore';
import { AnyStateDescriptor } from '../core/state/StateDescriptor';
import { ProcessWindowContext } from './functions/ProcessWindowFunction';
import { OnMergeContext } from './triggers/Trigger';
import { restoreWindow } from './windows/restoreWindow';
import { Window } from './windows/Window';

/**
 * Flink's WindowOperator.Context: what a trigger sees for the (current key, window) it is
 * called about. Timers and trigger state are kept per actual window (not per state window).
 */
export class WindowTriggerContext<W extends Window> implements OnMergeContext {
  window!: W;
  mergedWindows: readonly W[] = [];
  private timerService!: InternalTimerService<unknown, W>;
  private stateBackend!: HeapKeyedStateBackend<unknown>;

  /** The operator's timer service and state backend, once it has opened them. */
  bindServices(timers: InternalTimerService<unknown, W>, backend: HeapKeyedStateBackend<unknown>): void {
    this.timerService = timers;
    this.stateBackend = backend;
  }

  bind(window: W): this {
    this.window = window;
    return this;
  }

  getCurrentWatermark(): number {
    return this.timerService.currentWatermark();
  }
  getCurrentProcessingTime(): number {
    return this.timerService.currentProcessingTime();
  }
  registerEventTimeTimer(time: number): void {
    this.timerService.registerEventTimeTimer(this.window, time);
  }
  deleteEventTimeTimer(time: number): void {
    this.timerService.deleteEventTimeTimer(this.window, time);
  }
  registerProcessingTimeTimer(time: number): void {
    this.timerService.registerProcessingTimeTimer(this.window, time);
  }
  deleteProcessingTimeTimer(time: number): void {
    this.timerService.deleteProcessingTimeTimer(this.window, time);
  }
  getPartitionedState<D extends AnyStateDescriptor>(descriptor: D): StateFor<D> {
    return this.stateBackend.getPartitionedState(descriptor, this.window, restoreWindow);
  }
  mergePartitionedState(descriptor: AnyStateDescriptor): void {
    if (this.mergedWindows.length === 0) return;
    const state = this.stateBackend.getPartitionedState(descriptor, this.window, restoreWindow) as unknown as Partial<InternalMergingState<W>>;
    if (typeof state.mergeNamespaces !== 'function') {
      throw new Error(`The given state descriptor '${descriptor.name}' does not refer to a mergeable state (MergingState)`);
    }
    state.mergeNamespaces(this.window, this.mergedWindows);
  }
}

/** The operator's event time and processing time, as a window function reads them. */
export interface OperatorTime {
  currentWatermark(): number;
  currentProcessingTime(): number;
}

/** Flink's WindowContext for process window functions. */
export class WindowProcessContext<W extends Window> implements ProcessWindowContext<W> {
  window!: W;
  private readonly perWindow: KeyedStateStore;
  private readonly perKey: KeyedStateStore;
  private timerService!: OperatorTime;
  private stateBackend!: HeapKeyedStateBackend<unknown>;

  constructor(private readonly sideOutput: <S>(tag: OutputTag<S>, value: S) => void) {
    const source = { getPartitionedState: (d: never, n: never, r: never) => this.stateBackend.getPartitionedState(d, n, r) };
    this.perWindow = new BackendStateStore<W>(source, () => this.window, restoreWindow);
    this.perKey = new BackendStateStore<null>(
      source,
      () => null,
      (p) => p as null,
    );
  }

  /** The operator's clocks (its timer service) and state backend, once it has opened them. */
  bindServices(time: OperatorTime, backend: HeapKeyedStateBackend<unknown>): void {
    this.timerService = time;
    this.stateBackend = backend;
  }

  bind(window: W): this {
    this.window = window;
    return this;
  }

  currentWatermark(): number {
    return this.timerService.currentWatermark();
  }
  currentProcessingTime(): number {
    return this.timerService.currentProcessingTime();
  }
  windowState(): KeyedStateStore {
    return this.perWindow;
  }
  globalState(): KeyedStateStore {
    return this.perKey;
  }
  output<S>(tag: OutputTag<S>, value: S): void {
    this.sideOutput(tag, value);
  }
}
