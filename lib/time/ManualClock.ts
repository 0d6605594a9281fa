import { Clock, TimerHandle } from './Clock';

interface PendingTimer {
  readonly id: number;
  readonly due: number;
  readonly callback: () => void;
}

/**
 * Simulated time for tests. Nothing happens until the test moves time forward; timers then
 * fire in order of due time (ties in order of registration), each seeing `now()` equal to its
 * own due time. Time never goes backwards.
 */
export class ManualClock implements Clock {
  private current: number;
  private nextId = 1;
  private readonly pending = new Map<number, PendingTimer>();

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.pending.set(id, { id, due: this.current + Math.max(0, delayMs), callback });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.pending.delete(handle as number);
  }

  /** Due time of the earliest pending timer, if any. */
  nextDue(): number | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.pending.values()) {
      if (best === undefined || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t;
    }
    return best?.due;
  }

  pendingTimers(): number {
    return this.pending.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError(`ManualClock cannot go back in time (advance by ${ms} ms)`);
    this.set(this.current + ms);
  }

  /** Moves time to `timeMs`, firing every timer due at or before it, in order. */
  set(timeMs: number): void {
    if (timeMs < this.current) {
      throw new RangeError(`ManualClock cannot go back in time (from ${this.current} to ${timeMs})`);
    }
    for (;;) {
      const due = this.nextDue();
      if (due === undefined || due > timeMs) break;
      this.fireDue(due);
    }
    this.current = timeMs;
  }

  /** Fires the timers due at exactly `due` (which must be the earliest), with now() = due. */
  private fireDue(due: number): void {
    this.current = due;
    const batch = [...this.pending.values()].filter((t) => t.due === due).sort((a, b) => a.id - b.id);
    for (const t of batch) {
      if (!this.pending.delete(t.id)) continue; // cancelled by an earlier callback
      t.callback();
    }
  }
}
