import { TimeWindow } from '../windows/TimeWindow';

const SLOTS = 4;

/**
 * The last window lists a time-window assigner handed out, by the start they were computed
 * from (direct-mapped over a few slots). Consecutive elements mostly fall in the same windows,
 * also when a subtask reads channels at slightly different event times: handing out the same
 * frozen windows lets window state find an element's window by identity, and spares an
 * allocation per window and element.
 */
export class AssignedWindowsCache {
  private readonly starts = new Array<number>(SLOTS).fill(Number.NaN);
  private readonly lists = new Array<readonly TimeWindow[]>(SLOTS).fill([]);

  /** `step` spaces the starts (the window size, or the slide): consecutive starts use different slots. */
  constructor(private readonly step: number) {}

  get(start: number, make: (start: number) => TimeWindow[]): TimeWindow[] {
    const slot = Math.floor(start / this.step) & (SLOTS - 1);
    if (this.starts[slot] !== start) {
      this.starts[slot] = start;
      this.lists[slot] = Object.freeze(make(start));
    }
    return this.lists[slot] as TimeWindow[];
  }
}
