import { MIN_WATERMARK } from '../time/Watermark';
import { WatermarkStatus } from './WatermarkStatus';

export interface ValveOutput {
  emitWatermark(watermark: number): void;
  emitWatermarkStatus(status: WatermarkStatus): void;
}

interface InputChannelStatus {
  watermark: number;
  status: WatermarkStatus;
  aligned: boolean;
}

/**
 * Flink's StatusWatermarkValve, rule for rule: per channel the watermark only rises; the
 * output is the minimum over aligned (active, caught-up) channels and is emitted only when it
 * rises; idle channels are left out; when every channel is idle the valve flushes the maximum
 * and goes idle itself.
 */
export class StatusWatermarkValve {
  private readonly channels: InputChannelStatus[];
  private lastOutputWatermark = MIN_WATERMARK;
  private lastOutputStatus: WatermarkStatus = 'ACTIVE';

  constructor(numberOfChannels: number) {
    this.channels = Array.from({ length: numberOfChannels }, () => ({ watermark: MIN_WATERMARK, status: 'ACTIVE', aligned: true }));
  }

  get currentWatermark(): number {
    return this.lastOutputWatermark;
  }

  get status(): WatermarkStatus {
    return this.lastOutputStatus;
  }

  /** Per-channel view, for metrics ("which channel holds my window back?"). */
  channelWatermarks(): ReadonlyArray<{ watermark: number; status: WatermarkStatus }> {
    return this.channels.map((c) => ({ watermark: c.watermark, status: c.status }));
  }

  inputWatermark(watermark: number, channel: number, output: ValveOutput): void {
    const ch = this.channels[channel];
    if (this.lastOutputStatus !== 'ACTIVE' || ch.status !== 'ACTIVE') return;
    if (watermark <= ch.watermark) return;
    ch.watermark = watermark;
    if (!ch.aligned && watermark >= this.lastOutputWatermark) ch.aligned = true;
    this.outputNewMinAcrossAligned(output);
  }

  inputWatermarkStatus(status: WatermarkStatus, channel: number, output: ValveOutput): void {
    const ch = this.channels[channel];
    if (status === 'IDLE' && ch.status === 'ACTIVE') {
      ch.status = 'IDLE';
      ch.aligned = false;
      if (!this.channels.some((c) => c.status === 'ACTIVE')) {
        if (ch.watermark === this.lastOutputWatermark) this.outputMaxAcrossAll(output);
        this.lastOutputStatus = 'IDLE';
        output.emitWatermarkStatus('IDLE');
      } else if (ch.watermark === this.lastOutputWatermark) {
        this.outputNewMinAcrossAligned(output);
      }
    } else if (status === 'ACTIVE' && ch.status === 'IDLE') {
      ch.status = 'ACTIVE';
      if (ch.watermark >= this.lastOutputWatermark) ch.aligned = true;
      if (this.lastOutputStatus === 'IDLE') {
        this.lastOutputStatus = 'ACTIVE';
        output.emitWatermarkStatus('ACTIVE');
      }
    }
  }

  private outputNewMinAcrossAligned(output: ValveOutput): void {
    let min = Number.POSITIVE_INFINITY;
    let anyAligned = false;
    for (const c of this.channels) {
      if (c.aligned) {
        anyAligned = true;
        if (c.watermark < min) min = c.watermark;
      }
    }
    if (anyAligned && min > this.lastOutputWatermark) {
      this.lastOutputWatermark = min;
      output.emitWatermark(min);
    }
  }

  private outputMaxAcrossAll(output: ValveOutput): void {
    let max = MIN_WATERMARK;
    for (const c of this.channels) if (c.watermark > max) max = c.watermark;
    if (max > this.lastOutputWatermark) {
      this.lastOutputWatermark = max;
      output.emitWatermark(max);
    }
  }
}
