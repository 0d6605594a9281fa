import { MergingWindowAssigner } from './assigners/WindowAssigner';
import { Window } from './windows/Window';

/** One in-flight window and the window whose namespace holds its contents. */
export type WindowMapping<W> = readonly [window: W, stateWindow: W];

/** Called when windows merge: the merged windows, the result, and their state windows. */
export type MergeFunction<W> = (mergeResult: W, mergedWindows: W[], stateWindowResult: W, mergedStateWindows: W[]) => void;

/**
 * Flink's MergingWindowSet: the in-flight windows of one key and, for each, the window whose
 * state holds its contents. Merging changes which windows are in flight but not where the
 * contents live: the merge result keeps the state window of one of the merged windows, so
 * only the others' contents have to be merged into it.
 *
 * Flink picks "any" merged window's state window (HashSet order); brook picks the first by
 * start time, so runs are reproducible.
 */
export class MergingWindowSet<W extends Window> {
  private readonly mapping: Array<[W, W]>;
  private changed = false;

  constructor(
    private readonly assigner: MergingWindowAssigner<unknown, W>,
    persisted: readonly WindowMapping<W>[] | undefined,
  ) {
    this.mapping = persisted ? persisted.map(([w, s]) => [w, s]) : [];
  }

  /** The mapping to persist, or undefined when nothing changed. */
  takeChanges(): { readonly mapping: readonly WindowMapping<W>[] } | undefined {
    if (!this.changed) return undefined;
    this.changed = false;
    return { mapping: this.mapping.map(([w, s]) => [w, s] as const) };
  }

  getStateWindow(window: W): W | undefined {
    return this.find(window)?.[1];
  }

  /** Removes a window that was purged for good. */
  retireWindow(window: W): void {
    const i = this.mapping.findIndex(([w]) => w.equals(window));
    if (i < 0) throw new Error(`Window ${String(window)} is not in in-flight window set.`);
    this.mapping.splice(i, 1);
    this.changed = true;
  }

  /**
   * Adds a new window and merges it with the in-flight windows it overlaps; returns the window
   * it ended up in. `mergeFunction` is called for each merge before the mapping is final.
   */
  addWindow(newWindow: W, mergeFunction: MergeFunction<W>): W {
    // Already in flight (an equal window): nothing merges (Flink's set semantics).
    if (this.find(newWindow)) return this.find(newWindow)![0];
    const windows = [...this.mapping.map(([w]) => w), newWindow];
    const merges: Array<{ result: W; merged: W[] }> = [];
    this.assigner.mergeWindows(windows, (toBeMerged, mergeResult) => merges.push({ result: mergeResult, merged: [...toBeMerged] }));

    let resultWindow = newWindow;
    let mergedNewWindow = false;
    for (const { result, merged } of merges) {
      const at = merged.findIndex((w) => w === newWindow);
      if (at >= 0) {
        merged.splice(at, 1);
        mergedNewWindow = true;
        resultWindow = result;
      }
      const stateWindowResult = this.getStateWindow(merged[0])!;
      const mergedStateWindows: W[] = [];
      for (const w of merged) {
        const i = this.mapping.findIndex(([x]) => x.equals(w));
        if (i >= 0) {
          mergedStateWindows.push(this.mapping[i][1]);
          this.mapping.splice(i, 1);
        }
      }
      this.mapping.push([result, stateWindowResult]);
      const others = mergedStateWindows.filter((s) => !s.equals(stateWindowResult));
      // Flink: an existing window merged only with the new one, and not extended, merges nothing.
      if (!(merged.length === 1 && merged[0].equals(result))) mergeFunction(result, merged, stateWindowResult, others);
    }
    if (merges.length === 0 || (resultWindow.equals(newWindow) && !mergedNewWindow)) {
      this.mapping.push([resultWindow, resultWindow]);
    }
    this.changed = true;
    return resultWindow;
  }

  private find(window: W): [W, W] | undefined {
    return this.mapping.find(([w]) => w.equals(window));
  }
}
