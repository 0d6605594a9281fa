import { Clock } from '../../../time/Clock';
import { StateTable } from '../StateTable';
import { StateTtlConfig } from '../../../core/state/StateTtlConfig';
import { findUncheckpointable, formatKey, needsCheck, uncheckpointableError } from '../CheckpointableValue';

/** A value wrapped with its last-access time, for state with TTL (Flink's TtlValue). */
export interface TtlValue<T> {
  readonly v: T;
  readonly t: number;
}

/** What every keyed state object is inside the runtime (Flink's InternalKvState). */
export interface InternalKvState<N> {
  readonly name: string;
  setCurrentNamespace(namespace: N): void;
}

/** States whose values of several namespaces can be merged into one (session windows). */
export interface InternalMergingState<N> extends InternalKvState<N> {
  mergeNamespaces(target: N, sources: readonly N[]): void;
}

/** The TTL settings of a state and the clock its expiry is read from. */
export class TtlContext {
  /** Set by the backend when the config asks for incremental cleanup. */
  incrementalCleanup: (() => void) | undefined;

  constructor(
    readonly config: StateTtlConfig,
    private readonly clock: Clock,
  ) {}

  /** Called on every access of the state: runs the incremental cleanup, if any. */
  accessed(): void {
    this.incrementalCleanup?.();
  }

  now(): number {
    return this.clock.now();
  }

  expired(lastAccess: number): boolean {
    return this.config.isExpired(lastAccess, this.clock.now());
  }

  get updateOnRead(): boolean {
    return this.config.updateType === 'OnReadAndWrite';
  }

  get returnExpired(): boolean {
    return this.config.stateVisibility === 'ReturnExpiredIfNotCleanedUp';
  }
}

/** Heap keyed state bound to a table; reads and writes the backend's current key. */
export abstract class AbstractHeapState<K, N, SV> implements InternalKvState<N> {
  protected namespace: N;

  constructor(
    protected readonly table: StateTable<K, N, SV>,
    defaultNamespace: N,
    protected readonly ttl: TtlContext | undefined,
  ) {
    this.namespace = defaultNamespace;
  }

  get name(): string {
    return this.table.name;
  }

  /** The state's kind as a user names it in Flink's API: 'ValueState', 'MapState', … */
  protected abstract readonly kindName: string;

  /**
   * Fails a write of a value a checkpoint cannot keep (see CheckpointableValue), whether or not
   * checkpointing is on: a job must not start failing when it is turned on. A map state says
   * which part of an entry it checks: the user key, or the value of `userKey`.
   */
  protected checkValue(value: unknown, mapPart?: 'user key' | 'value', userKey?: unknown): void {
    if (!needsCheck(value)) return;
    const problem = findUncheckpointable(value);
    if (problem === undefined) return;
    const where = mapPart === undefined ? undefined : mapPart === 'user key' ? 'the user key' : `the value of user key ${formatKey(userKey)}`;
    throw uncheckpointableError(problem, `${this.kindName} '${this.name}'`, { key: this.table.currentKey }, where);
  }

  setCurrentNamespace(namespace: N): void {
    this.namespace = namespace;
  }

  clear(): void {
    this.table.remove(this.namespace);
  }
}

/**
 * A deep copy of a state value for copy-on-write (Flink's TypeSerializer#copy, which gives back
 * an object of the same class): primitives are their own copy; arrays, plain objects and
 * instances of user classes are copied field by field and keep their prototype (a reduce
 * function may call methods of the records it reduces, before and after a checkpoint alike);
 * Maps, Sets and Dates are copied as themselves, other built-ins structured-cloned. An object
 * reached twice is copied once, so shared parts and cycles stay as they were.
 */
export function copyStateValue<T>(value: T): T {
  return typeof value === 'object' && value !== null ? (copyObject(value, new Map()) as T) : value;
}

function deepCopy(value: unknown, copies: Map<object, unknown>): unknown {
  return typeof value === 'object' && value !== null ? copyObject(value, copies) : value;
}

function copyObject(value: object, copies: Map<object, unknown>): unknown {
  const done = copies.get(value);
  if (done !== undefined) return done;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    copies.set(value, out);
    for (const element of value as unknown[]) out.push(deepCopy(element, copies));
    return out;
  }
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    copies.set(value, out);
    for (const [k, v] of value) out.set(deepCopy(k, copies), deepCopy(v, copies));
    return out;
  }
  if (value instanceof Set) {
    const out = new Set<unknown>();
    copies.set(value, out);
    for (const v of value) out.add(deepCopy(v, copies));
    return out;
  }
  if (value instanceof Date) return new Date(value.getTime());
  if (isBuiltIn(value)) {
    const out = structuredClone(value);
    copies.set(value, out);
    return out;
  }
  const out = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
  copies.set(value, out);
  for (const key of Object.keys(value)) out[key] = deepCopy((value as Record<string, unknown>)[key], copies);
  return out;
}

/** Objects whose contents are not their own enumerable fields (typed arrays, buffers, errors, RegExps). */
function isBuiltIn(value: object): boolean {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof RegExp || value instanceof Error;
}
