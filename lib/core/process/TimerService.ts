/** Timers and time as process functions see them (Flink's TimerService). */
export interface TimerService {
  currentProcessingTime(): number;
  currentWatermark(): number;
  /** Calls onTimer once the watermark reaches `time` (one timer per key and time). */
  registerEventTimeTimer(time: number): void;
  /** Calls onTimer once the clock reaches `time` (one timer per key and time). */
  registerProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
}

export type TimeDomain = 'EVENT_TIME' | 'PROCESSING_TIME';

export const TIMERS_NEED_KEYS = 'Setting timers is only supported on a keyed streams.';
