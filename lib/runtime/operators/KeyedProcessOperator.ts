import { KeySelector } from '../../api/functions';
import { OutputTag } from '../../api/OutputTag';
import { KeyedOnTimerContext, KeyedProcessFunction } from '../../api/process/ProcessFunction';
import { copyFunction } from '../../api/process/RuntimeContext';
import { TimeDomain, TimerService } from '../../api/process/TimerService';
import { NO_TIMESTAMP } from '../../time/Watermark';
import { InternalTimer, InternalTimerService, Triggerable } from '../InternalTimerService';
import { restorePrimitiveNamespace, VOID_NAMESPACE } from '../state/Namespace';
import { AbstractKeyedStreamOperator } from './AbstractKeyedStreamOperator';
import { functionRuntimeContext } from './FunctionRuntimeContext';
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

/** The context of processElement and onTimer; reused, bound per call. */
class KeyedProcessContext<K> implements KeyedOnTimerContext<K>, TimerService {
  private ts = NO_TIMESTAMP;
  private domain: TimeDomain | undefined;

  constructor(private readonly op: KeyedProcessOperator<K, never, never>) {}

  set(timestamp: number, domain: TimeDomain | undefined): void {
    this.ts = timestamp;
    this.domain = domain;
  }

  timestamp(): number | undefined {
    return this.ts === NO_TIMESTAMP ? undefined : this.ts;
  }
  timeDomain(): TimeDomain {
    if (!this.domain) throw new Error('timeDomain() is only available in onTimer');
    return this.domain;
  }
  getCurrentKey(): K {
    return this.op.getCurrentKey();
  }
  timerService(): TimerService {
    return this;
  }
  output<S>(tag: OutputTag<S>, value: S): void {
    this.op.emitSide(tag, value, this.ts);
  }
  currentProcessingTime(): number {
    return this.op.timerService.currentProcessingTime();
  }
  currentWatermark(): number {
    return this.op.timerService.currentWatermark();
  }
  registerEventTimeTimer(time: number): void {
    this.op.timerService.registerEventTimeTimer(VOID_NAMESPACE, time);
  }
  registerProcessingTimeTimer(time: number): void {
    this.op.timerService.registerProcessingTimeTimer(VOID_NAMESPACE, time);
  }
  deleteEventTimeTimer(time: number): void {
    this.op.timerService.deleteEventTimeTimer(VOID_NAMESPACE, time);
  }
  deleteProcessingTimeTimer(time: number): void {
    this.op.timerService.deleteProcessingTimeTimer(VOID_NAMESPACE, time);
  }
}
