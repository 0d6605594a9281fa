/** Flink's Preconditions.checkArgument: a bad setting fails at once with its message. */
export function checkArgument(condition: boolean, message: string): void {
  if (!condition) throw new RangeError(message);
}
