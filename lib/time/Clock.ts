/** A handle returned by {@link Clock.setTimeout}; opaque to callers. */
export type TimerHandle = { readonly __timer: unique symbol } | number | object;

/**
 * Every read of time in brook goes through a Clock, so tests can replace real time with a
 * {@link ManualClock} and drive whole jobs deterministically. The shape follows xstate's
 * scheduler: now, setTimeout, clearTimeout.
 */
export interface Clock {
  /** Milliseconds since the epoch, as Date.now(). */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}
