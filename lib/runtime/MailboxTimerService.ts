import { Clock, TimerHandle } from '../time/Clock';
import { Cancellable, ProcessingTimeService } from './ProcessingTimeService';

interface ScheduledTimer {
  readonly timestamp: number;
  readonly callback: (timestamp: number) => void;
  readonly handle: TimerHandle;
}

/**
 * Processing-time timers of one subtask. The clock's callback only puts a wake-up in the
 * task's mailbox; the operator's callback runs when the task handles it, so a timer never runs
 * in the middle of a batch (Flink's mailbox model).
 */
export class MailboxTimerService implements ProcessingTimeService {
  private readonly timers = new Map<number, ScheduledTimer>();
  private nextId = 1;

  constructor(
    private readonly clock: Clock,
    /** Asks the task's mailbox for a `processingTimer` turn for this timer. */
    private readonly wakeUp: (timerId: number) => void,
  ) {}

  getCurrentProcessingTime(): number {
    return this.clock.now();
  }

  registerTimer(timestamp: number, callback: (timestamp: number) => void): Cancellable {
    const id = this.nextId++;
    const handle = this.clock.setTimeout(() => this.wakeUp(id), Math.max(0, timestamp - this.clock.now()));
    this.timers.set(id, { timestamp, callback, handle });
    return {
      cancel: () => {
        const t = this.timers.get(id);
        if (!t) return;
        this.clock.clearTimeout(t.handle);
        this.timers.delete(id);
      },
    };
  }

  /** Runs the callback of a timer that fell due; false when it was cancelled meanwhile. */
  fire(timerId: number): boolean {
    const timer = this.timers.get(timerId);
    if (!timer) return false;
    this.timers.delete(timerId);
    timer.callback(timer.timestamp);
    return true;
  }

  cancelAll(): void {
    for (const t of this.timers.values()) this.clock.clearTimeout(t.handle);
    this.timers.clear();
  }
}
