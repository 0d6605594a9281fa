import { Duration, toMillis } from '../../core/Time';
import { Window } from '../windows/Window';
import { ContinuousTrigger } from './ContinuousTrigger';
import { TriggerContext, TriggerResult } from './Trigger';

/**
 * Flink's ContinuousEventTimeTrigger: early firings every `interval` of event time (aligned to
 * the interval), and the final firing at the window's end.
 */
export class ContinuousEventTimeTrigger<W extends Window = Window> extends ContinuousTrigger<W> {
  private constructor(interval: number) {
    super('ContinuousEventTimeTrigger', interval);
  }

  static of<W extends Window = Window>(interval: Duration): ContinuousEventTimeTrigger<W> {
    return new ContinuousEventTimeTrigger<W>(toMillis(interval));
  }

  onElement(_e: unknown, timestamp: number, window: W, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) return 'FIRE';
    ctx.registerEventTimeTimer(window.maxTimestamp());
    this.armFirstFiring(timestamp, window, ctx);
    return 'CONTINUE';
  }

  onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    if (time === window.maxTimestamp()) return 'FIRE';
    return this.fireIfDue(time, window, ctx);
  }

  onProcessingTime(): TriggerResult {
    return 'CONTINUE';
  }

  protected registerTimer(ctx: TriggerContext, time: number): void {
    ctx.registerEventTimeTimer(time);
  }

  protected deleteTimer(ctx: TriggerContext, time: number): void {
    ctx.deleteEventTimeTimer(time);
  }
}
