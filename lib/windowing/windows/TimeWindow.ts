import { Window } from './Window';

/** Flink's TimeWindow: [start, end); maxTimestamp = end - 1. */
export class TimeWindow implements Window {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {}

  maxTimestamp(): number {
    return this.end - 1;
  }

  equals(other: Window): boolean {
    return other instanceof TimeWindow && this.start === other.start && this.end === other.end;
  }

  intersects(other: TimeWindow): boolean {
    return this.start <= other.end && this.end >= other.start;
  }

  cover(other: TimeWindow): TimeWindow {
    return new TimeWindow(Math.min(this.start, other.start), Math.max(this.end, other.end));
  }

  toString(): string {
    return `TimeWindow{start=${this.start}, end=${this.end}}`;
  }

  /**
   * Flink's TimeWindow.getWindowStartWithOffset: ts - (ts - offset + size) % size. JavaScript's
   * % keeps the dividend's sign as Java's does, so the formula is exact (including its known
   * flaw for timestamps below offset - size).
   */
  static getWindowStartWithOffset(timestamp: number, offset: number, windowSize: number): number {
    return timestamp - ((timestamp - offset + windowSize) % windowSize);
  }
}
