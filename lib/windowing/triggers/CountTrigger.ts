import { ReducingStateDescriptor } from '../../core/state/StateDescriptor';
import { Window } from '../windows/Window';
import { OnMergeContext, Trigger, TriggerContext, TriggerResult } from './Trigger';

/** Flink's CountTrigger: fires every `maxCount` elements of a window (the count is window state). */
export class CountTrigger<W extends Window = Window> implements Trigger<unknown, W> {
  private readonly stateDesc = new ReducingStateDescriptor<number>('count', (a, b) => a + b);

  private constructor(readonly maxCount: number) {
    if (!Number.isInteger(maxCount) || maxCount < 1) throw new RangeError(`CountTrigger needs a count >= 1, got ${maxCount}`);
  }

  static of<W extends Window = Window>(maxCount: number): CountTrigger<W> {
    return new CountTrigger<W>(maxCount);
  }

  onElement(_e: unknown, _ts: number, _window: W, ctx: TriggerContext): TriggerResult {
    const count = ctx.getPartitionedState(this.stateDesc);
    count.add(1);
    if (count.get()! >= this.maxCount) {
      count.clear();
      return 'FIRE';
    }
    return 'CONTINUE';
  }

  onEventTime(): TriggerResult {
    return 'CONTINUE';
  }

  onProcessingTime(): TriggerResult {
    return 'CONTINUE';
  }

  clear(_window: W, ctx: TriggerContext): void {
    ctx.getPartitionedState(this.stateDesc).clear();
  }

  canMerge(): boolean {
    return true;
  }

  onMerge(_window: W, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.stateDesc);
  }

  toString(): string {
    return `CountTrigger(${this.maxCount})`;
  }
}
