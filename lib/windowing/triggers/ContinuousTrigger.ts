import { ReducingStateDescriptor } from '../../core/state/StateDescriptor';
import { Window } from '../windows/Window';
import { OnMergeContext, Trigger, TriggerContext, TriggerResult } from './Trigger';

/**
 * What Flink's two continuous triggers share: a pending fire time per window, kept in state,
 * re-armed `interval` later each time it fires and capped at the window's end. The subclasses
 * say in which time domain the timers run and when the first one is armed.
 */
export abstract class ContinuousTrigger<W extends Window> implements Trigger<unknown, W> {
  /** When merging, the earliest pending fire time wins. */
  protected readonly stateDesc = new ReducingStateDescriptor<number>('fire-time', (a, b) => Math.min(a, b));

  protected constructor(
    private readonly triggerName: string,
    readonly interval: number,
  ) {
    if (!(interval > 0)) throw new RangeError(`${triggerName} needs an interval > 0, got ${interval}`);
  }

  abstract onElement(element: unknown, timestamp: number, window: W, ctx: TriggerContext): TriggerResult;
  abstract onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  abstract onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  protected abstract registerTimer(ctx: TriggerContext, time: number): void;
  protected abstract deleteTimer(ctx: TriggerContext, time: number): void;

  clear(_window: W, ctx: TriggerContext): void {
    const fireTimestamp = ctx.getPartitionedState(this.stateDesc);
    const t = fireTimestamp.get();
    if (t !== undefined) {
      this.deleteTimer(ctx, t);
      fireTimestamp.clear();
    }
  }

  canMerge(): boolean {
    return true;
  }

  onMerge(_window: W, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.stateDesc);
    const next = ctx.getPartitionedState(this.stateDesc).get();
    if (next !== undefined) this.registerTimer(ctx, next);
  }

  toString(): string {
    return `${this.triggerName}(${this.interval})`;
  }

  /** Arms the first firing, at the interval boundary after `time`, unless one is pending. */
  protected armFirstFiring(time: number, window: W, ctx: TriggerContext): void {
    if (ctx.getPartitionedState(this.stateDesc).get() === undefined) this.registerNextFireTimestamp(time - (time % this.interval), window, ctx);
  }

  /** FIRE when `time` is the pending fire time (and arms the next); CONTINUE for any other timer. */
  protected fireIfDue(time: number, window: W, ctx: TriggerContext): TriggerResult {
    const fireTimestamp = ctx.getPartitionedState(this.stateDesc);
    if (fireTimestamp.get() === time) {
      fireTimestamp.clear();
      this.registerNextFireTimestamp(time, window, ctx);
      return 'FIRE';
    }
    return 'CONTINUE';
  }

  private registerNextFireTimestamp(time: number, window: W, ctx: TriggerContext): void {
    const next = Math.min(time + this.interval, window.maxTimestamp());
    ctx.getPartitionedState(this.stateDesc).add(next);
    this.registerTimer(ctx, next);
  }
}
