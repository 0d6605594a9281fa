import { GlobalWindow } from './GlobalWindow';
import { TimeWindow } from './TimeWindow';
import { Window } from './Window';

/**
 * Turns a window back from its plain, structured-cloned form (how snapshots hold it) into a
 * live window: TimeWindow or GlobalWindow. A live window is returned as it is.
 */
export function restoreWindow<W extends Window>(plain: unknown): W {
  if (plain instanceof TimeWindow || plain instanceof GlobalWindow) return plain as unknown as W;
  if (typeof plain === 'object' && plain !== null) {
    const p = plain as { kind?: unknown; start?: unknown; end?: unknown; equals?: unknown };
    if (p.kind === 'GlobalWindow') return GlobalWindow.get() as unknown as W;
    if (typeof p.start === 'number' && typeof p.end === 'number') return new TimeWindow(p.start, p.end) as unknown as W;
    if (typeof p.equals === 'function') return plain as W;
  }
  throw new Error(`cannot restore window ${JSON.stringify(plain)}: only TimeWindow and GlobalWindow are known`);
}
