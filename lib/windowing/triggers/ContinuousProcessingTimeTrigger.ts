import { ReducingStateDescriptor } from '../../core/state/StateDescriptor';
import { Duration, toMillis } from '../../core/Time';
import { Window } from '../windows/Window';
import { OnMergeContext, Trigger, TriggerContext, TriggerResult } from './Trigger';

/** Flink's ContinuousProcessingTimeTrigger: fires every `interval` of processing time, up to the window's end. */
export class ContinuousProcessingTimeTrigger<W extends Window = Window> implements Trigger<unknown, W> {
  private readonly stateDesc = new ReducingStateDescriptor<number>('fire-time', (a, b) => Math.min(a, b));

  private constructor(readonly interval: number) {
    if (!(interval > 0)) throw new RangeError(`ContinuousProcessingTimeTrigger needs an interval > 0, got ${interval}`);
  }

  static of<W extends Window = Window>(interval: Duration): ContinuousProcessingTimeTrigger<W> {
    return new ContinuousProcessingTimeTrigger<W>(toMillis(interval));
  }

  onElement(_e: unknown, _ts: number, window: W, ctx: TriggerContext): TriggerResult {
    const now = ctx.getCurrentProcessingTime();
    if (ctx.getPartitionedState(this.stateDesc).get() === undefined) this.registerNextFireTimestamp(now - (now % this.interval), window, ctx);
    return 'CONTINUE';
  }

  onEventTime(): TriggerResult {
    return 'CONTINUE';
  }

  onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    const fireTimestamp = ctx.getPartitionedState(this.stateDesc);
    if (fireTimestamp.get() === time) {
      fireTimestamp.clear();
      this.registerNextFireTimestamp(time, window, ctx);
      return 'FIRE';
    }
    return 'CONTINUE';
  }

  clear(_window: W, ctx: TriggerContext): void {
    const fireTimestamp = ctx.getPartitionedState(this.stateDesc);
    const t = fireTimestamp.get();
    if (t !== undefined) {
      ctx.deleteProcessingTimeTimer(t);
      fireTimestamp.clear();
    }
  }

  canMerge(): boolean {
    return true;
  }

  onMerge(_window: W, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.stateDesc);
    const next = ctx.getPartitionedState(this.stateDesc).get();
    if (next !== undefined) ctx.registerProcessingTimeTimer(next);
  }

  toString(): string {
    return `ContinuousProcessingTimeTrigger(${this.interval})`;
  }

  private registerNextFireTimestamp(time: number, window: W, ctx: TriggerContext): void {
    const next = Math.min(time + this.interval, window.maxTimestamp());
    ctx.getPartitionedState(this.stateDesc).add(next);
    ctx.registerProcessingTimeTimer(next);
  }
}
