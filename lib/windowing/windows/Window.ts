/** A window: a bucket of elements with a largest timestamp that still belongs to it. */
export interface Window {
  maxTimestamp(): number;
  /** Value equality: two assignments of the same window must compare equal. */
  equals(other: unknown): boolean;
  /**
   * Optional, as Java's hashCode: equal windows return equal codes. Window state compares codes
   * before calling `equals`, so a key with many open windows finds its window quickly.
   */
  hashCode?(): number;
}
