import { Duration, toMillis } from '../../core/Time';
import { Window } from '../windows/Window';
import { ContinuousTrigger } from './ContinuousTrigger';
import { TriggerContext, TriggerResult } from './Trigger';

/** Flink's ContinuousProcessingTimeTrigger: fires every `interval` of processing time, up to the window's end. */
export class ContinuousProcessingTimeTrigger<W extends Window = Window> extends ContinuousTrigger<W> {
  private constructor(interval: number) {
    super('ContinuousProcessingTimeTrigger', interval);
  }

  static of<W extends Window = Window>(interval: Duration): ContinuousProcessingTimeTrigger<W> {
    return new ContinuousProcessingTimeTrigger<W>(toMillis(interval));
  }

  onElement(_e: unknown, _ts: number, window: W, ctx: TriggerContext): TriggerResult {
    this.armFirstFiring(ctx.getCurrentProcessingTime(), window, ctx);
    return 'CONTINUE';
  }

  onEventTime(): TriggerResult {
    return 'CONTINUE';
  }

  onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    return this.fireIfDue(time, window, ctx);
  }

  protected registerTimer(ctx: TriggerContext, time: number): void {
    ctx.registerProcessingTimeTimer(time);
  }

  protected deleteTimer(ctx: TriggerContext, time: number): void {
    ctx.deleteProcessingTimeTimer(time);
  }
}
