import { KeySelector } from '../../../core/functions';
import { OutputTag } from '../../../core/OutputTag';
import { KeyedCoProcessFunction } from '../../../core/process/CoFunctions';
import { copyFunction } from '../../../core/process/RuntimeContext';
import { TimeDomain } from '../../../core/process/TimerService';
import { NO_TIMESTAMP } from '../../../time/Watermark';
import { InternalTimer, InternalTimerService, Triggerable } from '../../InternalTimerService';
import { restorePrimitiveNamespace } from '../../state/Namespace';
import { AbstractTwoInputStreamOperator } from '../AbstractTwoInputStreamOperator';
import { functionRuntimeContext } from '../FunctionRuntimeContext';
import { KeyedProcessContext } from '../KeyedProcessContext';
import { TimestampedCollector } from '../TimestampedCollector';

/** Flink's KeyedCoProcessOperator: two keyed inputs sharing keyed state and timers. */
export class KeyedCoProcessOperator<K, IN1, IN2, R> extends AbstractTwoInputStreamOperator<IN1, IN2, R, K> implements Triggerable<K, null> {
  private readonly fn: KeyedCoProcessFunction<K, IN1, IN2, R>;
  timerService!: InternalTimerService<K, null>;
  private readonly collector = new TimestampedCollector<R>(() => this.output);
  private readonly ctx = new KeyedProcessContext<K>(this);

  constructor(
    private readonly keySelector1: KeySelector<IN1, K>,
    private readonly keySelector2: KeySelector<IN2, K>,
    fn: KeyedCoProcessFunction<K, IN1, IN2, R>,
    name: string,
  ) {
    super(name, true);
    this.fn = copyFunction(fn);
  }

  override open(): void {
    this.timerService = this.keyed.getInternalTimerService<null>('user-timers', this, restorePrimitiveNamespace);
    this.fn.setRuntimeContext(functionRuntimeContext(this.context, () => this.keyed.backend as never));
    this.fn.open();
  }

  getCurrentKey(): K {
    return this.keyed.getCurrentKey();
  }

  processElement1(value: IN1, timestamp: number): void {
    try {
      this.keyed.setCurrentKey(this.keySelector1(value));
      this.collector.timestamp = timestamp;
      this.ctx.set(timestamp, undefined);
      this.fn.processElement1(value, this.ctx, this.collector);
    } catch (e) {
      this.userFunctionFailed(e, value);
    }
  }

  processElement2(value: IN2, timestamp: number): void {
    try {
      this.keyed.setCurrentKey(this.keySelector2(value));
      this.collector.timestamp = timestamp;
      this.ctx.set(timestamp, undefined);
      this.fn.processElement2(value, this.ctx, this.collector);
    } catch (e) {
      this.userFunctionFailed(e, value);
    }
  }

  onEventTime(timer: InternalTimer<K, null>): void {
    this.fire(timer, 'EVENT_TIME', timer.timestamp);
  }

  onProcessingTime(timer: InternalTimer<K, null>): void {
    this.fire(timer, 'PROCESSING_TIME', NO_TIMESTAMP);
  }

  emitSide<S>(tag: OutputTag<S>, value: S, timestamp: number): void {
    this.output.collectSide(tag, value, timestamp);
  }

  override close(): void {
    super.close();
    this.fn.close();
  }

  private fire(timer: InternalTimer<K, null>, domain: TimeDomain, outputTimestamp: number): void {
    this.collector.timestamp = outputTimestamp;
    this.ctx.set(timer.timestamp, domain);
    try {
      this.fn.onTimer(timer.timestamp, this.ctx, this.collector);
    } catch (e) {
      this.userFunctionFailed(e, { key: timer.key, timer: timer.timestamp, domain });
    }
  }
}
