import { Collector, KeySelector } from '../../../core/functions';
import { OutputTag } from '../../../core/OutputTag';
import {
  BroadcastProcessFunction,
  BroadcastState,
  KeyedBroadcastProcessFunction,
  KeyedBroadcastReadOnlyContext,
} from '../../../core/process/BroadcastProcessFunction';
import { copyFunction } from '../../../core/process/RuntimeContext';
import { computeKeyGroupRangeForOperatorIndex, KeyGroupRange } from '../../../partitioners/keyGroups';
import { KeyId, keyIdentity } from '../../KeyIdentity';
import { isKeyGroupSnapshot, KeyGroupSnapshot } from '../../state/KeyedStateSnapshot';
import { findUncheckpointable, formatKey, needsCheck, uncheckpointableError } from '../../state/CheckpointableValue';
import { OperatorStateSnapshot, StateInitializationContext, StateSnapshotContext } from '../../state/OperatorStateSnapshot';
import { AnyStateDescriptor, MapStateDescriptor } from '../../../core/state/StateDescriptor';
import { AbstractTwoInputStreamOperator } from '../AbstractTwoInputStreamOperator';
import { functionRuntimeContext } from '../FunctionRuntimeContext';
import { KeyedProcessFunctionRunner } from '../KeyedProcessFunctionRunner';
import { NonKeyedProcessContext } from '../NonKeyedProcessContext';

type Entries = Map<KeyId, [unknown, unknown]>;

/**
 * Flink's CoBroadcastWithKeyedOperator / CoBroadcastWithNonKeyedOperator: input 1 is the
 * (keyed or not) data stream, input 2 the broadcast stream every subtask receives whole. The
 * broadcast side writes the broadcast state; the data side only reads it. Keyed, the function
 * also has keyed state and timers.
 */
export class BroadcastProcessOperator<K, IN1, IN2, OUT> extends AbstractTwoInputStreamOperator<IN1, IN2, OUT, K> {
  private readonly fn: KeyedBroadcastProcessFunction<K, IN1, IN2, OUT> | BroadcastProcessFunction<IN1, IN2, OUT>;
  private readonly broadcastStates = new Map<string, Entries>();
  /** Timestamp, watermark, side outputs and collector, keyed or not. */
  private readonly elementContext = new NonKeyedProcessContext<OUT>(
    () => this.output,
    () => this.context.processingTimeService.getCurrentProcessingTime(),
  );
  private readonly collector = this.elementContext.collector;
  /** Key, timestamps and timers of the function on a keyed data stream. */
  private runner: KeyedProcessFunctionRunner<K, OUT> | undefined;
  private range: KeyGroupRange | undefined;

  constructor(
    private readonly keySelector: KeySelector<IN1, K> | undefined,
    fn: KeyedBroadcastProcessFunction<K, IN1, IN2, OUT> | BroadcastProcessFunction<IN1, IN2, OUT>,
    descriptors: readonly MapStateDescriptor<unknown, unknown>[],
    name: string,
  ) {
    super(name, keySelector !== undefined);
    this.fn = copyFunction(fn);
    for (const d of descriptors) this.broadcastStates.set(d.name, new Map());
  }

  override open(): void {
    if (this.isKeyed) {
      const fn = this.fn as KeyedBroadcastProcessFunction<K, IN1, IN2, OUT>;
      this.runner = new KeyedProcessFunctionRunner<K, OUT>(
        this.keyed,
        this.collector,
        this.output,
        (timestamp, ctx, out) => {
          const withBroadcastState = Object.assign(Object.create(ctx) as typeof ctx, {
            getBroadcastState: <BK, V>(d: MapStateDescriptor<BK, V>) => this.broadcastState<BK, V>(d),
          });
          fn.onTimer(timestamp, withBroadcastState, out);
        },
        (error, record) => this.userFunctionFailed(error, record),
      );
    }
    this.fn.setRuntimeContext(functionRuntimeContext(this.context, this.isKeyed ? () => this.keyed.backend as never : undefined));
    this.fn.open();
  }

  override initializeState(context: StateInitializationContext): void {
    super.initializeState(context);
    this.range = context.keyGroupRange;
    if (!context.isRestored) return;
    for (const data of context.keyed.values()) {
      if (!isKeyGroupSnapshot(data) || !data.broadcast) continue;
      for (const [name, entries] of Object.entries(data.broadcast)) {
        this.broadcastStates.set(name, new Map(entries.map(([k, v]) => [keyIdentity(k), [k, v]])));
      }
      break; // every key group holds the same broadcast state
    }
  }

  override snapshotState(context: StateSnapshotContext): OperatorStateSnapshot {
    const keyed = this.isKeyed ? this.keyed.snapshot() : new Map<number, KeyGroupSnapshot>();
    const broadcast: Record<string, Array<[unknown, unknown]>> = {};
    for (const [name, entries] of this.broadcastStates) broadcast[name] = [...entries.values()].map(([k, v]) => [k, v]);
    const { start, end } = this.range ?? computeKeyGroupRangeForOperatorIndex(this.context.maxParallelism, this.context.parallelism, this.context.subtaskIndex);
    for (let kg = start; kg <= end; kg++) keyed.set(kg, { ...(keyed.get(kg) ?? { states: {}, timers: {} }), broadcast });
    void context;
    return { keyed };
  }

  override processWatermark(watermark: number): void {
    this.elementContext.advanceWatermark(watermark);
    super.processWatermark(watermark);
  }

  processElement1(value: IN1, timestamp: number): void {
    this.elementContext.enterElement(timestamp);
    try {
      if (this.keySelector && this.runner) {
        this.runner.enterElement(this.keySelector(value), timestamp);
        (this.fn as KeyedBroadcastProcessFunction<K, IN1, IN2, OUT>).processElement(
          value,
          this.readOnlyContext(this.runner) as KeyedBroadcastReadOnlyContext<K>,
          this.collector,
        );
      } else {
        (this.fn as BroadcastProcessFunction<IN1, IN2, OUT>).processElement(value, this.readOnlyContext(undefined), this.collector);
      }
    } catch (e) {
      this.userFunctionFailed(e, value);
    }
  }

  processElement2(value: IN2, timestamp: number): void {
    this.elementContext.enterElement(timestamp);
    try {
      const ctx = {
        ...this.baseContext(),
        getBroadcastState: <BK, V>(d: MapStateDescriptor<BK, V>) => this.broadcastState<BK, V>(d),
        applyToKeyedState: (d: AnyStateDescriptor, fn: (key: K, state: never) => void) => {
          if (!this.isKeyed) throw new Error('applyToKeyedState needs a keyed stream');
          const state = this.keyed.backend.getPartitionedState(d);
          this.keyed.backend.applyToAllKeys(d.name, null, (key) => fn(key, state as never));
        },
      };
      (this.fn as { processBroadcastElement(v: IN2, c: typeof ctx, out: Collector<OUT>): void }).processBroadcastElement(value, ctx, this.collector);
    } catch (e) {
      this.userFunctionFailed(e, value);
    }
  }

  override close(): void {
    super.close();
    this.fn.close();
  }

  private baseContext() {
    const ctx = this.elementContext;
    return {
      timestamp: () => ctx.timestamp(),
      currentProcessingTime: () => ctx.currentProcessingTime(),
      currentWatermark: () => ctx.currentWatermark(),
      output: <S>(tag: OutputTag<S>, value: S) => ctx.output(tag, value),
    };
  }

  private readOnlyContext(runner: KeyedProcessFunctionRunner<K, OUT> | undefined) {
    const readOnly = <BK, V>(d: MapStateDescriptor<BK, V>) => {
      const s = this.broadcastState<BK, V>(d);
      return { get: s.get, contains: s.contains, entries: s.entries, keys: s.keys, isEmpty: s.isEmpty };
    };
    const base = { ...this.baseContext(), getBroadcastState: readOnly };
    if (!runner) return base;
    return { ...base, getCurrentKey: () => runner.getCurrentKey(), timerService: () => runner.ctx.timerService() };
  }

  private broadcastState<BK, V>(descriptor: MapStateDescriptor<BK, V>): BroadcastState<BK, V> {
    const entries = this.broadcastStates.get(descriptor.name);
    if (!entries) {
      throw new Error(`operator '${this.name}': no broadcast state '${descriptor.name}' (pass its descriptor to broadcast(...))`);
    }
    return {
      get: (k) => entries.get(keyIdentity(k))?.[1] as V | undefined,
      contains: (k) => entries.has(keyIdentity(k)),
      *entries() {
        for (const [k, v] of entries.values()) yield [k as BK, v as V];
      },
      *keys() {
        for (const [k] of entries.values()) yield k as BK;
      },
      isEmpty: () => entries.size === 0,
      put: (k, v) => {
        checkBroadcastEntry(descriptor.name, k, v);
        entries.set(keyIdentity(k), [k, v]);
      },
      putAll: (es) => {
        for (const [k, v] of es) {
          checkBroadcastEntry(descriptor.name, k, v);
          entries.set(keyIdentity(k), [k, v]);
        }
      },
      remove: (k) => void entries.delete(keyIdentity(k)),
      clear: () => entries.clear(),
    };
  }
}

/** Broadcast state is checkpointed as keyed state is: an entry that cannot be fails when written. */
function checkBroadcastEntry(name: string, key: unknown, value: unknown): void {
  const keyProblem = needsCheck(key) ? findUncheckpointable(key) : undefined;
  if (keyProblem !== undefined) throw uncheckpointableError(keyProblem, `BroadcastState '${name}'`, undefined, 'the key');
  const valueProblem = needsCheck(value) ? findUncheckpointable(value) : undefined;
  if (valueProblem !== undefined) throw uncheckpointableError(valueProblem, `BroadcastState '${name}'`, undefined, `the value of key ${formatKey(key)}`);
}
