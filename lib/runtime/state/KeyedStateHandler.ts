import { computeKeyGroupRangeForOperatorIndex } from '../../partitioners/keyGroups';
import { InternalTimerService, KeyContext, TimerServiceSnapshot, Triggerable } from '../InternalTimerService';
import { OperatorContext } from '../StreamOperator';
import { HeapKeyedStateBackend } from './HeapKeyedStateBackend';
import { isKeyGroupSnapshot, KeyGroupSnapshot } from './KeyedStateSnapshot';
import { NamespaceRestorer } from './Namespace';
import { StateInitializationContext } from './OperatorStateSnapshot';
import { KeyGroupStateMap } from './StateTable';
import { KeyId } from '../KeyIdentity';

interface RegisteredTimerService {
  readonly service: InternalTimerService<unknown, unknown>;
}

/**
 * The keyed side of a stateful operator (Flink's StreamOperatorStateHandler together with its
 * InternalTimeServiceManager): the keyed state backend, the named timer services, and turning
 * both into one snapshot per key group and back. One-input and two-input keyed operators
 * delegate to it.
 */
export class KeyedStateHandler<K> implements KeyContext<K> {
  private backendInstance: HeapKeyedStateBackend<K> | undefined;
  private readonly timerServices = new Map<string, RegisteredTimerService>();
  private restoredTimers = new Map<string, Map<number, TimerServiceSnapshot>>();

  constructor(
    private readonly context: OperatorContext,
    private readonly owner: string,
  ) {}

  /** The backend; created for this subtask's key-group range unless a restore gave another. */
  get backend(): HeapKeyedStateBackend<K> {
    if (!this.backendInstance) {
      const { maxParallelism, parallelism, subtaskIndex } = this.context;
      this.backendInstance = new HeapKeyedStateBackend<K>(
        computeKeyGroupRangeForOperatorIndex(maxParallelism, parallelism, subtaskIndex),
        maxParallelism,
        this.context.clock,
        this.owner,
      );
    }
    return this.backendInstance;
  }

  /** Before open(): takes the key groups this subtask owns from a snapshot. */
  initialize(ctx: StateInitializationContext): void {
    if (this.timerServices.size > 0) throw new Error(`${this.owner}: state must be initialized before open()`);
    this.backendInstance = new HeapKeyedStateBackend<K>(ctx.keyGroupRange, this.context.maxParallelism, this.context.clock, this.owner);
    if (!ctx.isRestored) return;
    const states = new Map<number, Record<string, KeyGroupStateMap<unknown, unknown, unknown>>>();
    this.restoredTimers = new Map();
    for (const [kg, data] of ctx.keyed) {
      if (kg < ctx.keyGroupRange.start || kg > ctx.keyGroupRange.end) continue;
      if (!isKeyGroupSnapshot(data)) throw new Error(`${this.owner}: key group ${kg} of the snapshot is not keyed operator state`);
      states.set(kg, data.states);
      for (const [name, timers] of Object.entries(data.timers)) {
        let m = this.restoredTimers.get(name);
        if (!m) this.restoredTimers.set(name, (m = new Map()));
        m.set(kg, timers);
      }
    }
    this.backendInstance.restore(states);
  }

  getCurrentKey(): K {
    return this.backend.currentKey;
  }

  getCurrentKeyId(): KeyId {
    const backend = this.backend;
    // Flink's "No key set": a timer or a state access outside processing an element or a timer.
    if (backend.currentKey === undefined) throw new Error(`${this.owner}: no key set: timers and keyed state need the key of an element or a timer`);
    return backend.currentKeyId;
  }

  setCurrentKey(key: K): void {
    this.backend.setCurrentKey(key);
  }

  /** A named timer service (one per operator, usually); restored timers come back into it. */
  getInternalTimerService<N>(name: string, target: Triggerable<K, N>, restoreNamespace: NamespaceRestorer<N>): InternalTimerService<K, N> {
    const existing = this.timerServices.get(name);
    if (existing) return existing.service as InternalTimerService<K, N>;
    const service = new InternalTimerService<K, N>(this, this.context.processingTimeService, target);
    this.timerServices.set(name, { service: service as InternalTimerService<unknown, unknown> });
    const restored = this.restoredTimers.get(name);
    if (restored) {
      this.restoredTimers.delete(name);
      const revive = (t: TimerServiceSnapshot['event']): TimerServiceSnapshot['event'] => t.map((x) => ({ ...x, namespace: restoreNamespace(x.namespace) }));
      const all = [...restored.values()];
      service.restore(revive(all.flatMap((t) => t.event)), revive(all.flatMap((t) => t.processing)));
    }
    return service;
  }

  /**
   * The restored timers of service `name`, for an operator that keeps them in its own layout
   * instead of a timer service (and snapshots them itself); namespaces still plain data.
   */
  takeRestoredTimers(name: string): TimerServiceSnapshot {
    const restored = [...(this.restoredTimers.get(name)?.values() ?? [])];
    this.restoredTimers.delete(name);
    return { event: restored.flatMap((t) => t.event), processing: restored.flatMap((t) => t.processing) };
  }

  /** Fires the due event-time timers of every timer service. */
  advanceWatermark(watermark: number): void {
    for (const { service } of this.timerServices.values()) service.advanceWatermark(watermark);
  }

  /** State and timers by key group; cheap (references and a copy of the timer list). */
  snapshot(): Map<number, KeyGroupSnapshot> {
    const out = new Map<number, KeyGroupSnapshot>();
    const group = (kg: number): KeyGroupSnapshot => {
      let s = out.get(kg);
      if (!s) out.set(kg, (s = { states: {}, timers: {} }));
      return s;
    };
    for (const [kg, states] of this.backend.snapshot()) Object.assign(group(kg).states, states);
    const keyGroupOf = (key: K): number => this.backend.keyGroupOf(key);
    for (const [name, { service }] of this.timerServices) {
      for (const [kg, timers] of service.snapshot(keyGroupOf as (key: unknown) => number)) group(kg).timers[name] = timers;
    }
    for (const [name, byKeyGroup] of this.restoredTimers) for (const [kg, timers] of byKeyGroup) group(kg).timers[name] = timers;
    return out;
  }

  close(): void {
    for (const { service } of this.timerServices.values()) service.close();
  }
}
