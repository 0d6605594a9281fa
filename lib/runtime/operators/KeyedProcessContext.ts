import { OutputTag } from '../../core/OutputTag';
import { KeyedOnTimerContext } from '../../core/process/ProcessFunction';
import { TimeDomain, TimerService } from '../../core/process/TimerService';
import { NO_TIMESTAMP } from '../../time/Watermark';
import { InternalTimerService } from '../InternalTimerService';
import { VOID_NAMESPACE } from '../state/Namespace';

/** What the context needs from its keyed operator. */
export interface KeyedContextOwner<K> {
  getCurrentKey(): K;
  readonly timerService: InternalTimerService<K, null>;
  emitSide<S>(tag: OutputTag<S>, value: S, timestamp: number): void;
}

/** The context of processElement and onTimer of keyed process functions; reused, bound per call. */
export class KeyedProcessContext<K> implements KeyedOnTimerContext<K>, TimerService {
  private ts = NO_TIMESTAMP;
  private domain: TimeDomain | undefined;

  constructor(private readonly op: KeyedContextOwner<K>) {}

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
