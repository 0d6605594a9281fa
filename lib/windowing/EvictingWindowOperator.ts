import { TimestampedValue, Evictor, EvictorContext } from './evictors/Evictor';
import { WindowOperator, WindowOperatorConfig } from './WindowOperator';
import { Window } from './windows/Window';

/**
 * Flink's EvictingWindowOperator: a window keeps every element with its timestamp; when it
 * fires, the evictor removes elements before and/or after the window function sees them, and
 * what is left stays in the window. Reduce and aggregate are applied at firing time.
 */
export class EvictingWindowOperator<IN, K, W extends Window, OUT> extends WindowOperator<IN, K, W, TimestampedValue<IN>[], Iterable<IN>, OUT> {
  private readonly evictorContext: EvictorContext = {
    getCurrentProcessingTime: () => this.getCurrentProcessingTime(),
    getCurrentWatermark: () => this.currentWatermark,
  };

  constructor(
    config: Omit<WindowOperatorConfig<IN, K, W, TimestampedValue<IN>[], Iterable<IN>, OUT>, 'contents'>,
    private readonly evictor: Evictor<IN, W>,
    name: string,
  ) {
    super({ ...config, contents: new TimestampedListContents<IN>() }, name);
  }

  protected override addElement(stateWindow: W, value: IN, timestamp: number): void {
    const list = this.windowState.getForUpdate(stateWindow);
    if (list === undefined) this.windowState.put(stateWindow, [{ value, timestamp }]);
    else list.push({ value, timestamp });
  }

  protected override emitWindowContents(window: W, stateWindow: W, contents: TimestampedValue<IN>[]): void {
    const elements = contents.slice();
    this.evictor.evictBefore(elements, elements.length, window, this.evictorContext);
    super.emitWindowContents(window, stateWindow, elements);
    this.evictor.evictAfter(elements, elements.length, window, this.evictorContext);
    // Flink (FLINK-4369): the evicted elements leave the window state too.
    if (elements.length === 0) this.windowState.remove(stateWindow);
    else this.windowState.put(stateWindow, elements);
  }
}

/** The kept elements; the window function sees their values. */
class TimestampedListContents<T> {
  readonly kind = 'list' as const;
  readonly name = 'ListState';

  add(acc: TimestampedValue<T>[] | undefined, value: T): TimestampedValue<T>[] {
    const e = { value, timestamp: Number.MIN_SAFE_INTEGER };
    if (acc === undefined) return [e];
    acc.push(e);
    return acc;
  }

  getResult(acc: TimestampedValue<T>[]): Iterable<T> {
    return acc.map((e) => e.value);
  }

  merge(a: TimestampedValue<T>[], b: TimestampedValue<T>[]): TimestampedValue<T>[] {
    return a.concat(b);
  }

  copy(acc: TimestampedValue<T>[]): TimestampedValue<T>[] {
    return acc.slice();
  }
}
