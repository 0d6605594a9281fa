import { ReducingStateDescriptor } from '../../core/state/StateDescriptor';
import { Duration, toMillis } from '../../core/Time';
import { Window } from '../windows/Window';
import { OnMergeContext, Trigger, TriggerContext, TriggerResult } from './Trigger';

/**
 * Flink's ContinuousEventTimeTrigger: early firings every `interval` of event time (aligned to
 * the interval), and the final firing at the window's end.
 */
export class ContinuousEventTimeTrigger<W extends Window = Window> implements Trigger<unknown, W> {
  /** When merging, the earliest pending fire time wins. */
  private readonly stateDesc = new ReducingStateDescriptor<number>('fire-time', (a, b) => Math.min(a, b));

  private constructor(readonly interval: number) {
    if (!(interval > 0)) throw new RangeError(`ContinuousEventTimeTrigger needs an interval > 0, got ${interval}`);
  }

  static of<W extends Window = Window>(interval: Duration): ContinuousEventTimeTrigger<W> {
    return new ContinuousEventTimeTrigger<W>(toMillis(interval));
  }

  onElement(_e: unknown, timestamp: number, window: W, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) return 'FIRE';
    ctx.registerEventTimeTimer(window.maxTimestamp());
    const fireTimestamp = ctx.getPartitionedState(this.stateDesc);
    if (fireTimestamp.get() === undefined) this.registerNextFireTimestamp(timestamp - (timestamp % this.interval), window, ctx);
    return 'CONTINUE';
  }

  onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    if (time === window.maxTimestamp()) return 'FIRE';
    const fireTimestamp = ctx.getPartitionedState(this.stateDesc);
    if (fireTimestamp.get() === time) {
      fireTimestamp.clear();
      this.registerNextFireTimestamp(time, window, ctx);
      return 'FIRE';
    }
    return 'CONTINUE';
  }

  onProcessingTime(): TriggerResult {
    return 'CONTINUE';
  }

  clear(_window: W, ctx: TriggerContext): void {
    const fireTimestamp = ctx.getPartitionedState(this.stateDesc);
    const t = fireTimestamp.get();
    if (t !== undefined) {
      ctx.deleteEventTimeTimer(t);
      fireTimestamp.clear();
    }
  }

  canMerge(): boolean {
    return true;
  }

  onMerge(_window: W, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.stateDesc);
    const next = ctx.getPartitionedState(this.stateDesc).get();
    if (next !== undefined) ctx.registerEventTimeTimer(next);
  }

  toString(): string {
    return `ContinuousEventTimeTrigger(${this.interval})`;
  }

  private registerNextFireTimestamp(time: number, window: W, ctx: TriggerContext): void {
    const next = Math.min(time + this.interval, window.maxTimestamp());
    ctx.getPartitionedState(this.stateDesc).add(next);
    ctx.registerEventTimeTimer(next);
  }
}
