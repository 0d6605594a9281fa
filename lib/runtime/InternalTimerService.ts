import { MIN_WATERMARK } from '../time/Watermark';
import { KeyId, keyIdentity } from './KeyIdentity';
import { Cancellable, ProcessingTimeService } from './ProcessingTimeService';
import { TimerHeap } from './TimerHeap';

export interface InternalTimer<K, N> {
  readonly timestamp: number;
  readonly key: K;
  readonly namespace: N;
}

/** What keyed operators implement to be called back by their timers. */
export interface Triggerable<K, N> {
  onEventTime(timer: InternalTimer<K, N>): void;
  onProcessingTime(timer: InternalTimer<K, N>): void;
}

export interface KeyContext<K> {
  getCurrentKey(): K;
  setCurrentKey(key: K): void;
}

interface TimerEntry<K, N> extends InternalTimer<K, N> {
  readonly seq: number;
  readonly keyId: KeyId;
}

/**
 * Flink's InternalTimerService: event-time and processing-time timers per (key, namespace,
 * timestamp), deduplicated, fired in timestamp order (ties in registration order). Namespaces
 * are compared by identity: callers (the window operator) pass canonical namespace objects.
 */
export class InternalTimerService<K, N> {
  private seq = 0;
  private watermark = MIN_WATERMARK;
  private readonly eventTimers = new TimerQueue<K, N>();
  private readonly processingTimers = new TimerQueue<K, N>();
  private scheduled: { timestamp: number; handle: Cancellable } | undefined;

  constructor(
    private readonly keyContext: KeyContext<K>,
    private readonly processingTimeService: ProcessingTimeService,
    private readonly target: Triggerable<K, N>,
  ) {}

  currentWatermark(): number {
    return this.watermark;
  }

  currentProcessingTime(): number {
    return this.processingTimeService.getCurrentProcessingTime();
  }

  registerEventTimeTimer(namespace: N, timestamp: number): void {
    // Hot path: a window registers its timer for every element; look it up before allocating.
    const key = this.keyContext.getCurrentKey();
    const keyId = keyIdentity(key);
    if (this.eventTimers.contains(keyId, namespace, timestamp)) return;
    this.eventTimers.add({ timestamp, key, namespace, keyId, seq: this.seq++ });
  }

  deleteEventTimeTimer(namespace: N, timestamp: number): void {
    this.eventTimers.remove(keyIdentity(this.keyContext.getCurrentKey()), namespace, timestamp);
  }

  registerProcessingTimeTimer(namespace: N, timestamp: number): void {
    const entry = this.newEntry(namespace, timestamp);
    if (this.processingTimers.add(entry)) this.scheduleNextProcessingTimer();
  }

  deleteProcessingTimeTimer(namespace: N, timestamp: number): void {
    this.processingTimers.remove(keyIdentity(this.keyContext.getCurrentKey()), namespace, timestamp);
  }

  /** Fires every event-time timer at or before `watermark`, in order. */
  advanceWatermark(watermark: number): void {
    this.watermark = watermark;
    for (;;) {
      const timer = this.eventTimers.pollDue(watermark);
      if (!timer) break;
      this.keyContext.setCurrentKey(timer.key);
      this.target.onEventTime(timer);
    }
  }

  numEventTimeTimers(): number {
    return this.eventTimers.size;
  }

  /** The earliest pending event-time timer: what the watermark must reach for anything to fire. */
  nextEventTimeTimer(): number | undefined {
    return this.eventTimers.earliest();
  }

  numProcessingTimeTimers(): number {
    return this.processingTimers.size;
  }

  /** Releases the scheduled processing-time callback (task shutdown). */
  close(): void {
    this.scheduled?.handle.cancel();
    this.scheduled = undefined;
  }

  private onProcessingTime(now: number): void {
    this.scheduled = undefined;
    for (;;) {
      const timer = this.processingTimers.pollDue(now);
      if (!timer) break;
      this.keyContext.setCurrentKey(timer.key);
      this.target.onProcessingTime(timer);
    }
    this.scheduleNextProcessingTimer();
  }

  private scheduleNextProcessingTimer(): void {
    const next = this.processingTimers.earliest();
    if (next === undefined) return;
    if (this.scheduled && this.scheduled.timestamp <= next) return;
    this.scheduled?.handle.cancel();
    this.scheduled = {
      timestamp: next,
      handle: this.processingTimeService.registerTimer(next, (ts) => this.onProcessingTime(ts)),
    };
  }

  private newEntry(namespace: N, timestamp: number): TimerEntry<K, N> {
    const key = this.keyContext.getCurrentKey();
    return { timestamp, key, namespace, keyId: keyIdentity(key), seq: this.seq++ };
  }
}

/** A heap plus a (key, namespace, timestamp) index for deduplication and lazy deletion. */
class TimerQueue<K, N> {
  private readonly heap = new TimerHeap<TimerEntry<K, N>>();
  private readonly index = new Map<KeyId, Map<N, Map<number, TimerEntry<K, N>>>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  contains(keyId: KeyId, namespace: N, timestamp: number): boolean {
    return this.index.get(keyId)?.get(namespace)?.has(timestamp) === true;
  }

  /** Returns false when an identical timer already exists. */
  add(entry: TimerEntry<K, N>): boolean {
    let byNamespace = this.index.get(entry.keyId);
    if (!byNamespace) this.index.set(entry.keyId, (byNamespace = new Map()));
    let byTime = byNamespace.get(entry.namespace);
    if (!byTime) byNamespace.set(entry.namespace, (byTime = new Map()));
    if (byTime.has(entry.timestamp)) return false;
    byTime.set(entry.timestamp, entry);
    this.heap.push(entry);
    this.count++;
    return true;
  }

  remove(keyId: KeyId, namespace: N, timestamp: number): void {
    const byNamespace = this.index.get(keyId);
    const byTime = byNamespace?.get(namespace);
    if (!byTime || !byTime.delete(timestamp)) return;
    this.count--;
    if (byTime.size === 0) {
      byNamespace!.delete(namespace);
      if (byNamespace!.size === 0) this.index.delete(keyId);
    }
  }

  earliest(): number | undefined {
    this.dropDeleted();
    return this.heap.peek()?.timestamp;
  }

  pollDue(upTo: number): TimerEntry<K, N> | undefined {
    this.dropDeleted();
    const top = this.heap.peek();
    if (!top || top.timestamp > upTo) return undefined;
    this.heap.pop();
    this.remove(top.keyId, top.namespace, top.timestamp);
    return top;
  }

  /** Heap entries whose index entry was deleted (or replaced) are skipped lazily. */
  private dropDeleted(): void {
    for (;;) {
      const top = this.heap.peek();
      if (!top || this.isLive(top)) return;
      this.heap.pop();
    }
  }

  private isLive(e: TimerEntry<K, N>): boolean {
    return this.index.get(e.keyId)?.get(e.namespace)?.get(e.timestamp) === e;
  }
}
