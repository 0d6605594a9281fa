import { Clock } from '../../../time/Clock';
import { StateTable } from '../StateTable';
import { StateTtlConfig } from '../StateTtlConfig';

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

  setCurrentNamespace(namespace: N): void {
    this.namespace = namespace;
  }

  clear(): void {
    this.table.remove(this.namespace);
  }
}

/**
 * A copy of a state value for copy-on-write: primitives are their own copy, objects are
 * structured-cloned (state values are plain data by contract, as snapshots require).
 */
export function copyStateValue<T>(value: T): T {
  return typeof value === 'object' && value !== null ? structuredClone(value) : value;
}
