/** Flink's SessionWindowTimeGapExtractor: the session gap (ms) an element asks for. */
export type SessionWindowTimeGapExtractor<T> = (element: T) => number;

export function checkGap(gap: number, what: string): number {
  if (!(gap > 0)) throw new RangeError(`${what} must satisfy 0 < gap, got ${gap}`);
  return gap;
}
