/** A window: a bucket of elements with a largest timestamp that still belongs to it. */
export interface Window {
  maxTimestamp(): number;
  /** Value equality: two assignments of the same window must compare equal. */
  equals(other: unknown): boolean;
}
