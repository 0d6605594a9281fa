import { GlobalWindow } from '../windows/GlobalWindow';
import { Trigger, TriggerResult } from './Trigger';

/** GlobalWindows' default trigger (Flink's GlobalWindows.NeverTrigger): never fires. */
export class NeverTrigger implements Trigger<unknown, GlobalWindow> {
  onElement(): TriggerResult {
    return 'CONTINUE';
  }
  onEventTime(): TriggerResult {
    return 'CONTINUE';
  }
  onProcessingTime(): TriggerResult {
    return 'CONTINUE';
  }
  clear(): void {}
  canMerge(): boolean {
    return true;
  }
  onMerge(): void {}
  toString(): string {
    return 'NeverTrigger()';
  }
}
