import { MIN_WATERMARK } from '../time/Watermark';

/**
 * Flink's IndexedCombinedWatermarkStatus: an operator with several inputs combines their
 * watermarks. The combined watermark is the minimum over the inputs that are not idle, and
 * only rises; when every input is idle the operator is idle. A watermark on an input makes
 * that input active again.
 */
export class CombinedWatermarkStatus {
  private readonly watermarks: number[];
  private readonly idle: boolean[];
  private combined = MIN_WATERMARK;
  private allIdle = false;

  constructor(inputs: number) {
    this.watermarks = new Array(inputs).fill(MIN_WATERMARK);
    this.idle = new Array(inputs).fill(false);
  }

  get combinedWatermark(): number {
    return this.combined;
  }

  get isIdle(): boolean {
    return this.allIdle;
  }

  /** Returns true when the combined watermark rose. */
  updateWatermark(input: number, watermark: number): boolean {
    this.idle[input] = false;
    if (watermark > this.watermarks[input]) this.watermarks[input] = watermark;
    return this.update();
  }

  /** Returns true when the combined watermark rose. */
  updateStatus(input: number, idle: boolean): boolean {
    this.idle[input] = idle;
    return this.update();
  }

  private update(): boolean {
    let min = Number.POSITIVE_INFINITY;
    let allIdle = true;
    for (let i = 0; i < this.watermarks.length; i++) {
      if (this.idle[i]) continue;
      allIdle = false;
      if (this.watermarks[i] < min) min = this.watermarks[i];
    }
    this.allIdle = allIdle;
    if (!allIdle && min > this.combined) {
      this.combined = min;
      return true;
    }
    return false;
  }
}
