import { KeySelector } from '../../core/functions';
import { OutputTag } from '../../core/OutputTag';
import { KeyedProcessFunction } from '../../core/process/ProcessFunction';
import { copyFunction } from '../../core/process/RuntimeContext';
import { TimeDomain } from '../../core/process/TimerService';
import { NO_TIMESTAMP } from '../../time/Watermark';
import { InternalTimer, InternalTimerService, Triggerable } from '../InternalTimerService';
import { restorePrimitiveNamespace } from '../state/Namespace';
import { AbstractKeyedStreamOperator } from './AbstractKeyedStreamOperator';
import { functionRuntimeContext } from './FunctionRuntimeContext';
import { KeyedProcessContext } from './KeyedProcessContext';
import { TimestampedCollector } from './TimestampedCollector';

/**
 * Flink's KeyedProcessOperator: runs a KeyedProcessFunction with keyed state and timers.
 * Output of processElement carries the element's timestamp; of an event-time timer, the
 * timer's time; of a processing-time timer, none.
 */
export class KeyedProcessOperator<K, I, O> extends AbstractKeyedStreamOperator<I, O, K> implements Triggerable<K, null> {
  private readonly fn: KeyedProcessFunction<K, I, O>;
  private timers!: InternalTimerService<K, null>;
  private readonly collector = new TimestampedCollector<O>(() => this.output);
  private readonly ctx = new KeyedProcessContext<K>(this);

  constructor(
    private readonly keySelector: KeySelector<I, K>,
    fn: KeyedProcessFunction<K, I, O>,
    name: string,
  ) {
    super(name);
    this.fn = copyFunction(fn);
  }

  override open(): void {
    this.timers = this.keyed.getInternalTimerService<null>('user-timers', this, restorePrimitiveNamespace);
    this.fn.setRuntimeContext(functionRuntimeContext(this.context, () => this.keyed.backend as never));
    this.fn.open();
  }

  processElement(value: I, timestamp: number): void {
    try {
      this.setCurrentKey(this.keySelector(value));
      this.collector.timestamp = timestamp;
      this.ctx.set(timestamp, undefined);
      this.fn.processElement(value, this.ctx, this.collector);
    } catch (e) {
      this.userFunctionFailed(e, value);
    }
  }

  onEventTime(timer: InternalTimer<K, null>): void {
    this.fireTimer(timer, 'EVENT_TIME', timer.timestamp);
  }

  onProcessingTime(timer: InternalTimer<K, null>): void {
    this.fireTimer(timer, 'PROCESSING_TIME', NO_TIMESTAMP);
  }

  override close(): void {
    super.close();
    this.fn.close();
  }

  /** @internal */
  get timerService(): InternalTimerService<K, null> {
    return this.timers;
  }

  /** @internal */
  emitSide<S>(tag: OutputTag<S>, value: S, timestamp: number): void {
    this.output.collectSide(tag, value, timestamp);
  }

  private fireTimer(timer: InternalTimer<K, null>, domain: TimeDomain, outputTimestamp: number): void {
    this.collector.timestamp = outputTimestamp;
    this.ctx.set(timer.timestamp, domain);
    try {
      this.fn.onTimer(timer.timestamp, this.ctx, this.collector);
    } catch (e) {
      this.userFunctionFailed(e, { key: timer.key, timer: timer.timestamp, domain });
    }
  }
}
