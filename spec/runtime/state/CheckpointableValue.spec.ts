import * as v8 from 'v8';
import { Collector } from '../../../lib/core/functions';
import { BroadcastContext, BroadcastProcessFunction, BroadcastReadOnlyContext } from '../../../lib/core/process/BroadcastProcessFunction';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../../../lib/core/state/StateDescriptor';
import { StateTtlConfig } from '../../../lib/core/state/StateTtlConfig';
import { Time } from '../../../lib/core/Time';
import { findUncheckpointable } from '../../../lib/runtime/state/CheckpointableValue';
import { HeapKeyedStateBackend } from '../../../lib/runtime/state/HeapKeyedStateBackend';
import { ManualClock } from '../../../lib/time/ManualClock';
import { OperatorHarness } from '../../harness/OperatorHarness';
import { operatorOf } from '../../harness/operatorOf';

function backendAt(key: string) {
  const backend = new HeapKeyedStateBackend<string>({ start: 0, end: 127 }, 128, new ManualClock(0), 'test');
  backend.setCurrentKey(key);
  return backend;
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

// State descriptors refuse these types at compile time; the runtime check is for what gets
// past the types (any, unknown, casts, JavaScript callers).
type Loose = unknown;

describe('state values are checked when written', () => {
  it('ValueState names the state, the key and the path: .cb is a function', () => {
    const backend = backendAt('10.0.0.1');
    const s = backend.getPartitionedState(new ValueStateDescriptor<Loose>('count'));
    expect(() => s.update({ n: 1, cb: () => 1 })).toThrow(new TypeError("ValueState 'count' for key '10.0.0.1': .cb is a function and cannot be checkpointed"));
    // Nothing was written.
    expect(s.value()).toBeUndefined();
    expect(() => s.update(() => 1)).toThrow("ValueState 'count' for key '10.0.0.1': the value is a function and cannot be checkpointed");
    expect(() => s.update({ a: [1, { b: Symbol('x') }] })).toThrow("ValueState 'count' for key '10.0.0.1': .a[1].b is a symbol and cannot be checkpointed");
    expect(() => s.update({ 'odd key': new Map([['k', { f: () => 0 }]]) })).toThrow(`["odd key"].get("k").f is a function`);
  });

  it('a class instance is refused: a checkpoint would restore it as a plain object without its methods', () => {
    const restored = v8.deserialize(v8.serialize(new Point(3, 4))) as Point;
    expect(restored.norm).toBeUndefined(); // why it is refused
    const s = backendAt('k').getPartitionedState(new ValueStateDescriptor<Loose>('p'));
    expect(() => s.update({ at: new Point(3, 4) })).toThrow(
      "ValueState 'p' for key 'k': .at is an instance of class Point, which a checkpoint would restore as a plain object without Point's methods",
    );
    expect(() => s.update(Promise.resolve(1))).toThrow('the value is a Promise and cannot be checkpointed');
  });

  it('plain data passes: primitives, objects, arrays, Maps, Sets, Dates, typed arrays, null prototypes, cycles and shared parts', () => {
    const s = backendAt('k').getPartitionedState(new ValueStateDescriptor<Loose>('v'));
    const shared = { n: 1 };
    const cyclic: { self?: unknown; list: unknown[] } = { list: [shared, shared] };
    cyclic.self = cyclic;
    cyclic.list.push(cyclic);
    const values: unknown[] = [
      1,
      'a',
      true,
      10n,
      { a: 1, b: [1, 2, { c: 'x' }] },
      new Map<unknown, unknown>([[{ k: 1 }, new Set([1, new Date(0)])]]),
      new Uint8Array(4),
      Buffer.from('x'),
      /re/g,
      new Error('kept'),
      Object.assign(Object.create(null) as object, { a: 1 }),
      cyclic,
    ];
    for (const v of values) {
      expect(() => s.update(v)).not.toThrow();
      expect(() => v8.serialize(v)).not.toThrow();
    }
    // A cycle that leads to a function is still found.
    (cyclic as Record<string, unknown>).later = { fn: () => 1 };
    expect(findUncheckpointable(cyclic)).toEqual({ path: '.later.fn', what: 'is a function and cannot be checkpointed' });
  });

  it('ListState checks each added element, MapState the user key and the value', () => {
    const backend = backendAt('u1');
    const list = backend.getPartitionedState(new ListStateDescriptor<Loose>('events'));
    expect(() => list.add({ at: new Point(0, 0) })).toThrow("ListState 'events' for key 'u1': .at is an instance of class Point");
    expect(() => list.addAll([1, 2, { f: () => 0 }])).toThrow("ListState 'events' for key 'u1': .f is a function");
    expect(() => list.update([{ f: () => 0 }])).toThrow("ListState 'events' for key 'u1': .f is a function");
    const map = backend.getPartitionedState(new MapStateDescriptor<Loose, Loose>('m'));
    expect(() => map.put('a', { cb: () => 0 })).toThrow("MapState 'm' for key 'u1': the value of user key 'a': .cb is a function");
    expect(() => map.put('a', () => 0)).toThrow("MapState 'm' for key 'u1': the value of user key 'a' is a function");
    expect(() => map.put(new Point(1, 1), 1)).toThrow("MapState 'm' for key 'u1': the user key is an instance of class Point");
    expect(() => map.putAll([['b', Symbol('s')]])).toThrow("MapState 'm' for key 'u1': the value of user key 'b' is a symbol");
    expect(map.isEmpty()).toBe(true);
  });

  it('ReducingState checks what it stores (the first value and each reduced value), with and without TTL', () => {
    for (const ttl of [false, true]) {
      const backend = backendAt('k');
      const d = new ReducingStateDescriptor<Loose>('r', (a, b) => ((b as { bad?: boolean }).bad ? { f: () => 0 } : a));
      if (ttl) d.enableTimeToLive(StateTtlConfig.newBuilder(Time.minutes(1)).build());
      const s = backend.getPartitionedState(d);
      expect(() => s.add({ f: () => 0 })).toThrow("ReducingState 'r' for key 'k': .f is a function");
      s.add({ n: 1 });
      expect(() => s.add({ bad: true })).toThrow("ReducingState 'r' for key 'k': .f is a function");
      expect(s.get()).toEqual({ n: 1 });
    }
  });

  it('AggregatingState checks the accumulator it stores, not the added value', () => {
    const backend = backendAt('k');
    const s = backend.getPartitionedState(
      new AggregatingStateDescriptor<Loose, Loose, number>('agg', {
        createAccumulator: () => ({ n: 0 }),
        add: (v, acc) => (v instanceof Point ? { n: (acc as { n: number }).n + 1 } : { n: 0, last: v }),
        getResult: (acc) => (acc as { n: number }).n,
        merge: (a) => a,
      }),
    );
    s.add(new Point(1, 2)); // a record may be a class instance: only the accumulator is kept
    expect(s.get()).toBe(1);
    expect(() => s.add(() => 0)).toThrow("AggregatingState 'agg' for key 'k': .last is a function");
  });

  it('broadcast state checks the key and value put by the broadcast side', () => {
    const rules = new MapStateDescriptor<string, Loose>('rules');
    class Rules extends BroadcastProcessFunction<string, Loose, string> {
      processElement(_v: string, _ctx: BroadcastReadOnlyContext, _out: Collector<string>): void {}
      processBroadcastElement(rule: Loose, ctx: BroadcastContext): void {
        ctx.getBroadcastState(rules).put('r1', rule);
      }
    }
    const factory = operatorOf<string, string>((s) => s.connect(s.map((x): Loose => ({ x })).broadcast(rules)).process(new Rules()));
    const h = new OperatorHarness<string, string>(factory()).open();
    h.element2({ ok: 1 });
    expect(() => h.element2({ check: () => true })).toThrow("BroadcastState 'rules': the value of key 'r1': .check is a function and cannot be checkpointed");
  });
});

describe('state value checks: the parts a value may have, and keys in messages', () => {
  it('null passes wherever it is: the value itself, a field, an element, a map key or value, a set element', () => {
    expect(findUncheckpointable(null)).toBeUndefined();
    const s = backendAt('k').getPartitionedState(new ValueStateDescriptor<Loose>('v'));
    expect(() => s.update({ a: null, list: [null, 1, 'x'], m: new Map([[null, null]]), set: new Set([null, 2]) })).not.toThrow();
  });

  it('a function as a map key or set element is found, and a map value is found under its key', () => {
    const s = backendAt('k').getPartitionedState(new ValueStateDescriptor<Loose>('v'));
    expect(() => s.update({ m: new Map([[() => 0, 1]]) })).toThrow("ValueState 'v' for key 'k': .m<map key> is a function and cannot be checkpointed");
    expect(() => s.update({ s: new Set([1, Symbol('x')]) })).toThrow("ValueState 'v' for key 'k': .s<set element> is a symbol and cannot be checkpointed");
    expect(() => s.update(new Map([[1n, () => 0]]))).toThrow("ValueState 'v' for key 'k': .get(1) is a function");
    expect(() => s.update(new Map([[2, () => 0]]))).toThrow("ValueState 'v' for key 'k': .get(2) is a function");
  });

  it('a class without a name, or an object whose prototype has no constructor, is named as an anonymous class', () => {
    const s = backendAt('k').getPartitionedState(new ValueStateDescriptor<Loose>('v'));
    const anonymous = (() => class {})();
    expect(anonymous.name).toBe('');
    const message = "ValueState 'v' for key 'k': the value is an instance of class an anonymous class, which a checkpoint would restore";
    expect(() => s.update(new anonymous())).toThrow(message);
    expect(() => s.update(Object.create(Object.create(null) as object) as object)).toThrow(message);
  });

  it('keys that are not strings are shown as JSON, bigints with their n', () => {
    const backend = new HeapKeyedStateBackend<unknown>({ start: 0, end: 127 }, 128, new ManualClock(0), 'test');
    const s = backend.getPartitionedState(new ValueStateDescriptor<Loose>('v'));
    const m = backend.getPartitionedState(new MapStateDescriptor<Loose, Loose>('m'));
    for (const [key, shown] of [
      [42, '42'],
      [10n, '10n'],
      [['a', 1], '["a",1]'],
    ] as const) {
      backend.setCurrentKey(key);
      expect(() => s.update(() => 0)).toThrow(`ValueState 'v' for key ${shown}: the value is a function`);
      expect(() => m.put(key, () => 0)).toThrow(`MapState 'm' for key ${shown}: the value of user key ${shown} is a function`);
    }
    // A user key JSON cannot show (a cycle) is shown as a string.
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    expect(() => m.put(cyclic, () => 0)).toThrow('MapState \'m\' for key ["a",1]: the value of user key [object Object] is a function');
  });
});
