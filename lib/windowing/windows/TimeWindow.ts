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

  equals(other: unknown): boolean {
    return other instanceof TimeWindow && this.start === other.start && this.end === other.end;
  }

  /**
   * Flink's TimeWindow.hashCode mixes start + end (longToIntWithBitMixing); this mixes the same
   * sum in 32-bit arithmetic, which is all that equal windows need to agree on.
   */
  hashCode(): number {
    const sum = this.start + this.end;
    let h = (sum | 0) ^ Math.imul((sum / 4294967296) | 0, 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  /** Flink: touching windows intersect too (a.start <= b.end && a.end >= b.start). */
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

  /**
   * Flink's TimeWindow.mergeWindows: sort by start, merge runs of intersecting windows and
   * report each run of two or more with its cover. Equal windows count once.
   */
  static mergeWindows(windows: readonly TimeWindow[], merge: (toBeMerged: TimeWindow[], mergeResult: TimeWindow) => void): void {
    const sorted = [...windows].sort((a, b) => a.start - b.start);
    let current: { cover: TimeWindow; members: TimeWindow[] } | undefined;
    const runs: { cover: TimeWindow; members: TimeWindow[] }[] = [];
    for (const w of sorted) {
      if (current && current.cover.intersects(w)) {
        current.cover = current.cover.cover(w);
        if (!current.members.some((m) => m.equals(w))) current.members.push(w);
      } else {
        current = { cover: w, members: [w] };
        runs.push(current);
      }
    }
    for (const run of runs) if (run.members.length > 1) merge(run.members, run.cover);
  }

  /** The window again from its plain (structured-cloned) form. */
  static restore(plain: { start: number; end: number }): TimeWindow {
    return plain instanceof TimeWindow ? plain : new TimeWindow(plain.start, plain.end);
  }
}
