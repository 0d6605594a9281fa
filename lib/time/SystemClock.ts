import { Clock, TimerHandle } from './Clock';

/** Wall-clock time. Timers are unref'd: a pending buffer timeout must not keep node alive. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const t = setTimeout(callback, Math.max(0, delayMs));
    t.unref();
    return t;
  }

  clearTimeout(handle: TimerHandle): void {
    clearTimeout(handle as NodeJS.Timeout);
  }
}

export const systemClock: Clock = new SystemClock();
