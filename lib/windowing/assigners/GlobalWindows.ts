import { NeverTrigger } from '../triggers/NeverTrigger';
import { Trigger } from '../triggers/Trigger';
import { GlobalWindow } from '../windows/GlobalWindow';
import { WindowAssigner } from './WindowAssigner';

/**
 * Flink's GlobalWindows: every element of a key in the one GlobalWindow, which never fires on
 * its own (NeverTrigger): give it a trigger, e.g. CountTrigger (that is countWindow).
 */
export class GlobalWindows implements WindowAssigner<unknown, GlobalWindow> {
  readonly isMerging = false;
  private static readonly ASSIGNED: readonly GlobalWindow[] = Object.freeze([GlobalWindow.get()]);

  private constructor() {}

  static create(): GlobalWindows {
    return new GlobalWindows();
  }

  assignWindows(): GlobalWindow[] {
    return GlobalWindows.ASSIGNED as GlobalWindow[];
  }

  getDefaultTrigger(): Trigger<unknown, GlobalWindow> {
    return new NeverTrigger();
  }

  isEventTime(): boolean {
    return false;
  }

  toString(): string {
    return 'GlobalWindows()';
  }
}
