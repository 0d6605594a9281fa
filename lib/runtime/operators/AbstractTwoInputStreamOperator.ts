import { AbstractStreamOperator } from '../AbstractStreamOperator';
import { CombinedWatermarkStatus } from '../CombinedWatermarkStatus';
import { KeyedStateHandler } from '../state/KeyedStateHandler';
import { OperatorStateSnapshot, StateInitializationContext, StateSnapshotContext } from '../state/OperatorStateSnapshot';
import { OperatorContext, Output } from '../StreamOperator';
import { TwoInputStreamOperator } from '../TwoInputStreamOperator';
import { WatermarkStatus } from '../WatermarkStatus';

/**
 * Base of two-input operators (Flink's AbstractStreamOperator with two inputs): the operator's
 * watermark is the minimum of both inputs' (idle inputs left out), and `processWatermark`
 * sees only that combined watermark: it fires due timers (keyed operators) and forwards it.
 * Keyed two-input operators get keyed state and timers through `keyed`.
 */
export abstract class AbstractTwoInputStreamOperator<IN1, IN2, OUT, K = never>
  extends AbstractStreamOperator<IN1, OUT>
  implements TwoInputStreamOperator<IN1, IN2, OUT>
{
  private readonly combined = new CombinedWatermarkStatus(2);
  protected keyed!: KeyedStateHandler<K>;

  constructor(
    name: string,
    /** Whether the operator keeps keyed state (both inputs keyed by the same kind of key). */
    protected readonly isKeyed: boolean,
  ) {
    super(name);
  }

  override setup(context: OperatorContext, output: Output<OUT>): void {
    super.setup(context, output);
    this.keyed = new KeyedStateHandler<K>(context, `operator '${this.name}'`);
  }

  abstract processElement1(value: IN1, timestamp: number): void;
  abstract processElement2(value: IN2, timestamp: number): void;

  processElement(): void {
    throw new Error(`operator '${this.name}' has two inputs: its records arrive through processElement1/2`);
  }

  initializeState(context: StateInitializationContext): void {
    if (this.isKeyed) this.keyed.initialize(context);
  }

  snapshotState(_context: StateSnapshotContext): OperatorStateSnapshot {
    return this.isKeyed ? { keyed: this.keyed.snapshot() } : {};
  }

  processWatermark1(watermark: number): void {
    if (this.combined.updateWatermark(0, watermark)) this.processWatermark(this.combined.combinedWatermark);
  }

  processWatermark2(watermark: number): void {
    if (this.combined.updateWatermark(1, watermark)) this.processWatermark(this.combined.combinedWatermark);
  }

  processWatermarkStatus1(status: WatermarkStatus): void {
    this.watermarkStatus(0, status);
  }

  processWatermarkStatus2(status: WatermarkStatus): void {
    this.watermarkStatus(1, status);
  }

  /** The combined watermark: fire due timers, then forward. */
  override processWatermark(watermark: number): void {
    if (this.isKeyed) this.keyed.advanceWatermark(watermark);
    super.processWatermark(watermark);
  }

  override close(): void {
    if (this.isKeyed) this.keyed.close();
  }

  /** Flink: an input going idle may release the other's watermark; the output is idle only when both are. */
  private watermarkStatus(input: number, status: WatermarkStatus): void {
    const wasIdle = this.combined.isIdle;
    if (this.combined.updateStatus(input, status === 'IDLE')) this.processWatermark(this.combined.combinedWatermark);
    if (wasIdle !== this.combined.isIdle) this.output.emitWatermarkStatus(status);
  }
}
