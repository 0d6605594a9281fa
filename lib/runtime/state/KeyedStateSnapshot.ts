import { TimerServiceSnapshot } from '../InternalTimerService';
import { KeyGroupStateMap } from './StateTable';

/**
 * What a keyed operator's snapshot holds for one key group (the values of
 * OperatorStateSnapshot.keyed): each named state's key-group map, taken by reference at the
 * barrier, and the timers of each named timer service. Plain data throughout.
 */
export interface KeyGroupSnapshot {
  readonly states: Record<string, KeyGroupStateMap<unknown, unknown, unknown>>;
  readonly timers: Record<string, TimerServiceSnapshot>;
  /**
   * Broadcast state (the same on every subtask), repeated in every key group of the subtask so
   * that each new subtask finds it, whatever the new parallelism: name → [key, value] entries.
   */
  readonly broadcast?: Record<string, ReadonlyArray<readonly [unknown, unknown]>>;
}

export function isKeyGroupSnapshot(value: unknown): value is KeyGroupSnapshot {
  return typeof value === 'object' && value !== null && 'states' in value && 'timers' in value;
}
