import { javaHashCode } from './javaHashCode';
import { murmurHash } from './murmurHash';

/** Flink's KeyGroupRangeAssignment: keys → key groups → operator (subtask) indexes. */

export const UPPER_BOUND_MAX_PARALLELISM = 1 << 15;
export const DEFAULT_LOWER_BOUND_MAX_PARALLELISM = 1 << 7;

/** min(max(roundUpToPowerOfTwo(p + p/2), 128), 32768): 128 for every p up to 85. */
export function computeDefaultMaxParallelism(parallelism: number): number {
  const wanted = parallelism + Math.floor(parallelism / 2);
  return Math.min(Math.max(roundUpToPowerOfTwo(wanted), DEFAULT_LOWER_BOUND_MAX_PARALLELISM), UPPER_BOUND_MAX_PARALLELISM);
}

export function assignToKeyGroup(key: unknown, maxParallelism: number): number {
  return computeKeyGroupForKeyHash(javaHashCode(key), maxParallelism);
}

export function computeKeyGroupForKeyHash(keyHash: number, maxParallelism: number): number {
  return murmurHash(keyHash) % maxParallelism;
}

export function computeOperatorIndexForKeyGroup(maxParallelism: number, parallelism: number, keyGroup: number): number {
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}

export function assignKeyToParallelOperator(key: unknown, maxParallelism: number, parallelism: number): number {
  return computeOperatorIndexForKeyGroup(maxParallelism, parallelism, assignToKeyGroup(key, maxParallelism));
}

/** Inclusive range of key groups a subtask owns; what state is split by when rescaling. */
export interface KeyGroupRange {
  readonly start: number;
  readonly end: number;
}

export function computeKeyGroupRangeForOperatorIndex(maxParallelism: number, parallelism: number, operatorIndex: number): KeyGroupRange {
  checkParallelism(maxParallelism, parallelism);
  return {
    start: Math.floor((operatorIndex * maxParallelism + parallelism - 1) / parallelism),
    end: Math.floor(((operatorIndex + 1) * maxParallelism - 1) / parallelism),
  };
}

export function checkParallelism(maxParallelism: number, parallelism: number): void {
  if (!Number.isInteger(maxParallelism) || maxParallelism <= 0 || maxParallelism > UPPER_BOUND_MAX_PARALLELISM) {
    throw new RangeError(`maxParallelism must be an integer in [1, ${UPPER_BOUND_MAX_PARALLELISM}], got ${maxParallelism}`);
  }
  if (parallelism > maxParallelism) {
    throw new RangeError(`parallelism ${parallelism} exceeds maxParallelism ${maxParallelism}`);
  }
}

function roundUpToPowerOfTwo(x: number): number {
  let p = 1;
  while (p < x) p <<= 1;
  return p;
}
