import { Collector } from '../../core/functions';
import { OutputTag } from '../../core/OutputTag';
import { TimeDomain } from '../../core/process/TimerService';
import { NO_TIMESTAMP } from '../../time/Watermark';
import { InternalTimer, InternalTimerService, Triggerable } from '../InternalTimerService';
import { KeyedStateHandler } from '../state/KeyedStateHandler';
import { restorePrimitiveNamespace } from '../state/Namespace';
import { Output } from '../StreamOperator';
import { KeyedContextOwner, KeyedProcessContext } from './KeyedProcessContext';
import { TimestampedCollector } from './TimestampedCollector';

/** A keyed function's onTimer, with the context it is given. */
export type OnTimer<K, OUT> = (timestamp: number, ctx: KeyedProcessContext<K>, out: Collector<OUT>) => void;

/**
 * What the keyed process operators (one input, two inputs, broadcast) do around their user
 * function: before an element, its key becomes current and its timestamp goes to the collector
 * and the context; the function's timers fire onTimer with the timer's time domain. Output of an
 * element carries the element's timestamp; of an event-time timer, the timer's time; of a
 * processing-time timer, none (Flink's KeyedProcessOperator).
 */
export class KeyedProcessFunctionRunner<K, OUT> implements KeyedContextOwner<K>, Triggerable<K, null> {
  readonly ctx = new KeyedProcessContext<K>(this);
  readonly timerService: InternalTimerService<K, null>;

  constructor(
    private readonly keyed: KeyedStateHandler<K>,
    /** The operator's collector: what the function emits carries the timestamp set here. */
    readonly collector: TimestampedCollector<OUT>,
    private readonly output: Output<OUT>,
    private readonly onTimer: OnTimer<K, OUT>,
    /** The operator's report of a failed user function call, naming the record or timer. */
    private readonly failed: (error: unknown, record: unknown) => void,
  ) {
    this.timerService = keyed.getInternalTimerService<null>('user-timers', this, restorePrimitiveNamespace);
  }

  /** Makes `key` current and `timestamp` the element's, before the function sees the element. */
  enterElement(key: K, timestamp: number): void {
    this.keyed.setCurrentKey(key);
    this.collector.timestamp = timestamp;
    this.ctx.set(timestamp, undefined);
  }

  onEventTime(timer: InternalTimer<K, null>): void {
    this.fire(timer, 'EVENT_TIME', timer.timestamp);
  }

  onProcessingTime(timer: InternalTimer<K, null>): void {
    this.fire(timer, 'PROCESSING_TIME', NO_TIMESTAMP);
  }

  getCurrentKey(): K {
    return this.keyed.getCurrentKey();
  }

  emitSide<S>(tag: OutputTag<S>, value: S, timestamp: number): void {
    this.output.collectSide(tag, value, timestamp);
  }

  private fire(timer: InternalTimer<K, null>, domain: TimeDomain, outputTimestamp: number): void {
    this.collector.timestamp = outputTimestamp;
    this.ctx.set(timer.timestamp, domain);
    try {
      this.onTimer(timer.timestamp, this.ctx, this.collector);
    } catch (e) {
      this.failed(e, { key: timer.key, timer: timer.timestamp, domain });
    }
  }
}
