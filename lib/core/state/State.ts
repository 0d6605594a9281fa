/**
 * Keyed state as a user function sees it (Flink's org.apache.flink.api.common.state). Every
 * call reads or writes the value of the current key (the key of the element or timer being
 * processed). Values must be plain, structured-clone-able data: they are snapshotted at
 * checkpoints and come back as plain data on restore.
 */
export interface State {
  /** Removes the value of the current key. */
  clear(): void;
}

export interface ValueState<T> extends State {
  /** The current key's value, or the descriptor's default when there is none. */
  value(): T | undefined;
  update(value: T): void;
}

/** State to which values are added (Flink's AppendingState). */
export interface AppendingState<IN, OUT> extends State {
  get(): OUT;
  add(value: IN): void;
}

export interface ListState<T> extends AppendingState<T, readonly T[]> {
  addAll(values: Iterable<T>): void;
  /** Replaces the whole list. */
  update(values: Iterable<T>): void;
}

export interface ReducingState<T> extends AppendingState<T, T | undefined> {}

export interface AggregatingState<IN, OUT> extends AppendingState<IN, OUT | undefined> {}

export interface MapState<UK, UV> extends State {
  get(key: UK): UV | undefined;
  put(key: UK, value: UV): void;
  putAll(entries: Iterable<readonly [UK, UV]> | ReadonlyMap<UK, UV>): void;
  remove(key: UK): void;
  contains(key: UK): boolean;
  entries(): IterableIterator<[UK, UV]>;
  keys(): IterableIterator<UK>;
  values(): IterableIterator<UV>;
  isEmpty(): boolean;
}
