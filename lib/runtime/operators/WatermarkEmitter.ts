import { MIN_WATERMARK } from '../../time/Watermark';
import { WatermarkOutput } from '../../time/WatermarkGenerator';
import { Output } from '../StreamOperator';

/**
 * Flink's WatermarkEmitter: only rising watermarks go out, and only a rising watermark makes an
 * idle output active again (records alone do not; a generator's markActive is honoured too).
 */
export class WatermarkEmitter implements WatermarkOutput {
  private current = MIN_WATERMARK;
  private idle = false;

  constructor(private readonly output: Output<unknown>) {}

  get currentWatermark(): number {
    return this.current;
  }

  emitWatermark(timestamp: number): void {
    if (timestamp <= this.current) return;
    this.current = timestamp;
    this.markActive();
    this.output.emitWatermark(timestamp);
  }

  markIdle(): void {
    if (this.idle) return;
    this.idle = true;
    this.output.emitWatermarkStatus('IDLE');
  }

  markActive(): void {
    if (!this.idle) return;
    this.idle = false;
    this.output.emitWatermarkStatus('ACTIVE');
  }
}
