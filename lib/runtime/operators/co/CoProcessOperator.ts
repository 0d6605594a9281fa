import { CoProcessFunction } from '../../../core/process/CoFunctions';
import { ProcessFunctionContext } from '../../../core/process/ProcessFunction';
import { copyFunction } from '../../../core/process/RuntimeContext';
import { TIMERS_NEED_KEYS, TimerService } from '../../../core/process/TimerService';
import { MIN_WATERMARK, NO_TIMESTAMP } from '../../../time/Watermark';
import { AbstractTwoInputStreamOperator } from '../AbstractTwoInputStreamOperator';
import { functionRuntimeContext } from '../FunctionRuntimeContext';
import { TimestampedCollector } from '../TimestampedCollector';

/** Flink's CoProcessOperator: a CoProcessFunction on two non-keyed inputs. */
export class CoProcessOperator<IN1, IN2, R> extends AbstractTwoInputStreamOperator<IN1, IN2, R> {
  private readonly fn: CoProcessFunction<IN1, IN2, R>;
  private readonly collector = new TimestampedCollector<R>(() => this.output);
  private readonly ctx: ProcessFunctionContext & TimerService;
  ts = NO_TIMESTAMP;
  watermark = MIN_WATERMARK;

  constructor(fn: CoProcessFunction<IN1, IN2, R>, name: string) {
    super(name, false);
    this.fn = copyFunction(fn);
    const op = this;
    const noTimers = (): never => {
      throw new Error(TIMERS_NEED_KEYS);
    };
    this.ctx = {
      timestamp: () => (op.ts === NO_TIMESTAMP ? undefined : op.ts),
      timerService: () => op.ctx,
      output: (tag, value) => op.output.collectSide(tag, value, op.ts),
      currentProcessingTime: () => op.context.processingTimeService.getCurrentProcessingTime(),
      currentWatermark: () => op.watermark,
      registerEventTimeTimer: noTimers,
      registerProcessingTimeTimer: noTimers,
      deleteEventTimeTimer: noTimers,
      deleteProcessingTimeTimer: noTimers,
    };
  }

  override open(): void {
    this.fn.setRuntimeContext(functionRuntimeContext(this.context, undefined));
    this.fn.open();
  }

  processElement1(value: IN1, timestamp: number): void {
    this.ts = this.collector.timestamp = timestamp;
    try {
      this.fn.processElement1(value, this.ctx, this.collector);
    } catch (e) {
      this.userFunctionFailed(e, value);
    }
  }

  processElement2(value: IN2, timestamp: number): void {
    this.ts = this.collector.timestamp = timestamp;
    try {
      this.fn.processElement2(value, this.ctx, this.collector);
    } catch (e) {
      this.userFunctionFailed(e, value);
    }
  }

  override processWatermark(watermark: number): void {
    this.watermark = watermark;
    super.processWatermark(watermark);
  }

  override close(): void {
    this.fn.close();
  }
}
