import { MIN_WATERMARK } from '../time/Watermark';
import { KeyId, keyIdentity } from './KeyIdentity';
import { Cancellable, ProcessingTimeService } from './ProcessingTimeService';
import { sameNamespace } from './state/Namespace';
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
  /**
   * keyIdentity(getCurrentKey()), possibly an instance shared with earlier equal keys: timers
   * kept under it are found by address (see KeyGroupCache).
   */
  getCurrentKeyId(): KeyId;
  setCurrentKey(key: K): void;
}

interface TimerEntry<K, N> extends InternalTimer<K, N> {
  readonly seq: number;
  readonly keyId: KeyId;
}

/** A timer as a checkpoint holds it: plain data; `seq` keeps the firing order of equal timestamps. */
export interface TimerSnapshot {
  readonly timestamp: number;
  readonly key: unknown;
  readonly namespace: unknown;
  readonly seq: number;
}

export interface TimerServiceSnapshot {
  readonly event: TimerSnapshot[];
  readonly processing: TimerSnapshot[];
}

/**
 * Flink's InternalTimerService: event-time and processing-time timers per (key, namespace,
 * timestamp), deduplicated, fired in timestamp order (ties in registration order). Namespaces
 * are compared by value (windows by `equals`), so a restored window finds its timers.
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
    const keyId = this.keyContext.getCurrentKeyId();
    if (this.eventTimers.contains(keyId, namespace, timestamp)) return;
    this.eventTimers.add(this.newEntry(this.keyContext.getCurrentKey(), namespace, timestamp, keyId));
  }

  deleteEventTimeTimer(namespace: N, timestamp: number): void {
    this.eventTimers.remove(this.keyContext.getCurrentKeyId(), namespace, timestamp);
  }

  registerProcessingTimeTimer(namespace: N, timestamp: number): void {
    const entry = this.newEntry(this.keyContext.getCurrentKey(), namespace, timestamp, this.keyContext.getCurrentKeyId());
    if (this.processingTimers.add(entry)) this.scheduleNextProcessingTimer();
  }

  deleteProcessingTimeTimer(namespace: N, timestamp: number): void {
    this.processingTimers.remove(this.keyContext.getCurrentKeyId(), namespace, timestamp);
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

  /** The live timers, grouped by `keyGroupOf(key)` (Flink copies its timer heaps at the barrier too). */
  snapshot(keyGroupOf: (key: K) => number): Map<number, TimerServiceSnapshot> {
    const out = new Map<number, TimerServiceSnapshot>();
    const group = (kg: number): TimerServiceSnapshot => {
      let s = out.get(kg);
      if (!s) out.set(kg, (s = { event: [], processing: [] }));
      return s;
    };
    for (const e of this.eventTimers.live()) group(keyGroupOf(e.key)).event.push(toSnapshot(e));
    for (const e of this.processingTimers.live()) group(keyGroupOf(e.key)).processing.push(toSnapshot(e));
    return out;
  }

  /** Adds restored timers (their namespaces already live again), in their original order. */
  restore(event: readonly TimerSnapshot[], processing: readonly TimerSnapshot[]): void {
    const bySeq = (a: TimerSnapshot, b: TimerSnapshot): number => a.timestamp - b.timestamp || a.seq - b.seq;
    for (const t of [...event].sort(bySeq)) this.eventTimers.add(this.newEntry(t.key as K, t.namespace as N, t.timestamp));
    for (const t of [...processing].sort(bySeq)) this.processingTimers.add(this.newEntry(t.key as K, t.namespace as N, t.timestamp));
    this.scheduleNextProcessingTimer();
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

  private newEntry(key: K, namespace: N, timestamp: number, keyId: KeyId = keyIdentity(key)): TimerEntry<K, N> {
    return { timestamp, key, namespace, keyId, seq: this.seq++ };
  }
}

function toSnapshot(e: TimerEntry<unknown, unknown>): TimerSnapshot {
  return { timestamp: e.timestamp, key: e.key, namespace: e.namespace, seq: e.seq };
}

/** The timers of one key at one timestamp: almost always one namespace, kept without a list. */
type TimersOfKey<K, N> = TimerEntry<K, N> | TimerEntry<K, N>[];

/**
 * A heap plus a timestamp → key → namespaces index for deduplication and lazy deletion. The
 * index goes by timestamp first because consecutive registrations mostly share one (a window's
 * end, for every key that has elements in it): the last timestamp's keys are kept at hand, so
 * registering a timer that exists is usually one lookup.
 */
class TimerQueue<K, N> {
  private readonly heap = new TimerHeap<TimerEntry<K, N>>();
  private readonly index = new Map<number, Map<KeyId, TimersOfKey<K, N>>>();
  private count = 0;
  /** The keys of the last timestamp looked up (forgotten when that timestamp has no timers left). */
  private lastTimestamp = Number.NaN;
  private lastKeys: Map<KeyId, TimersOfKey<K, N>> | undefined;
  /**
   * The last timer found or added. A window registers the same timer twice per element (its
   * trigger's and its cleanup timer, both at maxTimestamp without allowed lateness): the second
   * lookup is answered here. Forgotten on every removal.
   */
  private lastKeyId: KeyId | undefined;
  private lastNamespace: N | undefined;

  get size(): number {
    return this.count;
  }

  contains(keyId: KeyId, namespace: N, timestamp: number): boolean {
    if (timestamp === this.lastTimestamp && keyId === this.lastKeyId && namespace === this.lastNamespace) return true;
    const timers = this.keysAt(timestamp)?.get(keyId);
    if (timers === undefined || indexOfNamespace(timers, namespace) < 0) return false;
    this.lastKeyId = keyId;
    this.lastNamespace = namespace;
    return true;
  }

  /** Returns false when an identical timer already exists. */
  add(entry: TimerEntry<K, N>): boolean {
    let byKey = this.keysAt(entry.timestamp);
    if (!byKey) {
      this.index.set(entry.timestamp, (byKey = new Map()));
      this.lastTimestamp = entry.timestamp;
      this.lastKeys = byKey;
    }
    const timers = byKey.get(entry.keyId);
    if (timers === undefined) byKey.set(entry.keyId, entry);
    else if (indexOfNamespace(timers, entry.namespace) >= 0) return false;
    else if (Array.isArray(timers)) timers.push(entry);
    else byKey.set(entry.keyId, [timers, entry]);
    this.heap.push(entry);
    this.count++;
    this.lastKeyId = entry.keyId;
    this.lastNamespace = entry.namespace;
    return true;
  }

  remove(keyId: KeyId, namespace: N, timestamp: number): void {
    this.lastKeyId = undefined;
    this.lastNamespace = undefined;
    const byKey = this.keysAt(timestamp);
    const timers = byKey?.get(keyId);
    if (timers === undefined) return;
    const i = indexOfNamespace(timers, namespace);
    if (i < 0) return;
    this.count--;
    if (Array.isArray(timers) && timers.length > 1) {
      timers.splice(i, 1);
      return;
    }
    byKey!.delete(keyId);
    if (byKey!.size === 0) {
      this.index.delete(timestamp);
      this.lastTimestamp = Number.NaN;
      this.lastKeys = undefined;
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

  *live(): IterableIterator<TimerEntry<K, N>> {
    for (const byKey of this.index.values()) {
      for (const timers of byKey.values()) {
        if (Array.isArray(timers)) yield* timers;
        else yield timers;
      }
    }
  }

  private keysAt(timestamp: number): Map<KeyId, TimersOfKey<K, N>> | undefined {
    if (timestamp === this.lastTimestamp) return this.lastKeys;
    const byKey = this.index.get(timestamp);
    if (byKey !== undefined) {
      this.lastTimestamp = timestamp;
      this.lastKeys = byKey;
    }
    return byKey;
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
    const timers = this.keysAt(e.timestamp)?.get(e.keyId);
    return timers === e || (Array.isArray(timers) && timers.includes(e));
  }
}

/** A plain loop: this runs twice per element of a window (trigger and cleanup timer). */
function indexOfNamespace<K, N>(timers: TimersOfKey<K, N>, namespace: N): number {
  if (!Array.isArray(timers)) return sameNamespace(timers.namespace, namespace) ? 0 : -1;
  for (let i = 0; i < timers.length; i++) if (sameNamespace(timers[i].namespace, namespace)) return i;
  return -1;
}
