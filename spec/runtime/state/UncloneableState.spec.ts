import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../../../lib/core/state/StateDescriptor';
import { HeapKeyedStateBackend } from '../../../lib/runtime/state/HeapKeyedStateBackend';
import { KeyGroupSnapshot } from '../../../lib/runtime/state/KeyedStateSnapshot';
import { OperatorStateSnapshot } from '../../../lib/runtime/state/OperatorStateSnapshot';
import { describeUncloneableState } from '../../../lib/runtime/state/UncloneableState';
import { ManualClock } from '../../../lib/time/ManualClock';

/**
 * Values are checked when written; what still cannot be serialized at a checkpoint was changed
 * in place afterwards (a function put into an object read from state). The checkpoint then names
 * the state, its kind, the key and the operator.
 */

type Mutable = Record<string, unknown>;

function keyedSnapshot(backend: HeapKeyedStateBackend<unknown>): OperatorStateSnapshot {
  const keyed = new Map<number, KeyGroupSnapshot>();
  for (const [kg, states] of backend.snapshot()) keyed.set(kg, { states, timers: {} });
  return { keyed };
}

const names = (id: string) => (id === 'op-1' ? 'Window' : id);

describe('describeUncloneableState (why a checkpoint cannot be serialized)', () => {
  it('names the kind of state, its name, the key and the operator', () => {
    const cases: Array<[string, (b: HeapKeyedStateBackend<unknown>) => void]> = [
      [
        'ValueState',
        (b) => {
          const s = b.getPartitionedState(new ValueStateDescriptor<Mutable>('s'));
          s.update({});
          s.value()!.f = () => 1;
        },
      ],
      [
        'ListState',
        (b) => {
          const s = b.getPartitionedState(new ListStateDescriptor<Mutable>('s'));
          s.add({});
          s.get()[0].f = () => 1;
        },
      ],
      [
        'MapState',
        (b) => {
          const s = b.getPartitionedState(new MapStateDescriptor<string, Mutable>('s'));
          s.put('k', {});
          s.get('k')!.f = () => 1;
        },
      ],
      [
        'ReducingState',
        (b) => {
          const s = b.getPartitionedState(new ReducingStateDescriptor<Mutable>('s', (a) => a));
          s.add({});
          s.get()!.f = () => 1;
        },
      ],
      [
        'AggregatingState',
        (b) => {
          const s = b.getPartitionedState(
            new AggregatingStateDescriptor<number, Mutable, Mutable>('s', {
              createAccumulator: () => ({}),
              add: (_v, acc) => acc,
              getResult: (acc) => acc,
              merge: (a) => a,
            }),
          );
          s.add(1);
          s.get()!.f = () => 1;
        },
      ],
    ];
    for (const [kind, write] of cases) {
      const backend = new HeapKeyedStateBackend<unknown>({ start: 0, end: 127 }, 128, new ManualClock(0), 'test');
      backend.setCurrentKey('10.0.0.1');
      write(backend);
      expect(describeUncloneableState({ 'op-1': keyedSnapshot(backend) }, names)).toBe(
        `${kind} 's' for key '10.0.0.1' in operator 'Window' could not be cloned: () => 1 could not be cloned.`,
      );
    }
  });

  it('a key that is not a string is shown as JSON; a map of unknown kind is named as state', () => {
    const backend = new HeapKeyedStateBackend<unknown>({ start: 0, end: 127 }, 128, new ManualClock(0), 'test');
    const t = backend.createTable<null, unknown>(
      'contents',
      (v) => v,
      (n) => n as null,
    );
    backend.setCurrentKey(['a', 1]);
    t.put(null, Symbol('s'));
    expect(describeUncloneableState({ 'op-2': keyedSnapshot(backend) }, names)).toBe(
      `state 'contents' for key '["a",1]' in operator 'op-2' could not be cloned: Symbol(s) could not be cloned.`,
    );
  });

  it('looks past cloneable values, states and operators to the first that is not', () => {
    const backend = new HeapKeyedStateBackend<unknown>({ start: 0, end: 127 }, 128, new ManualClock(0), 'test');
    const good = backend.getPartitionedState(new ValueStateDescriptor<Mutable>('good'));
    const bad = backend.getPartitionedState(new ValueStateDescriptor<Mutable>('bad'));
    for (const k of ['a', 'b', 'c']) {
      backend.setCurrentKey(k);
      good.update({ k });
      bad.update({ k });
    }
    backend.setCurrentKey('b');
    bad.value()!.f = () => 2;
    const fine: OperatorStateSnapshot = {
      keyed: new Map<number, unknown>([
        [0, 'not a key group'],
        [1, null],
      ]),
      operator: [1, 'two'],
    };
    expect(describeUncloneableState({ first: fine, 'op-1': keyedSnapshot(backend) }, names)).toBe(
      "ValueState 'bad' for key 'b' in operator 'Window' could not be cloned: () => 2 could not be cloned.",
    );
    expect(describeUncloneableState({ first: fine }, names)).toBeUndefined();
  });

  it('names broadcast state by its key, and operator state by its entry', () => {
    const group: KeyGroupSnapshot = {
      states: {},
      timers: {},
      broadcast: {
        rules: [
          ['r1', { ok: true }],
          ['r2', { check: () => true }],
        ],
      },
    };
    expect(describeUncloneableState({ b: { keyed: new Map([[3, group]]) } }, names)).toBe(
      "broadcast state 'rules' for key 'r2' in operator 'b' could not be cloned: () => true could not be cloned.",
    );
    expect(describeUncloneableState({ src: { operator: [{ offset: 1 }, { cb: () => 0 }] } }, names)).toBe(
      "operator state entry 1 in operator 'src' could not be cloned: () => 0 could not be cloned.",
    );
  });

  it('a getter that throws something other than an Error is named by what it threw', () => {
    const backend = new HeapKeyedStateBackend<unknown>({ start: 0, end: 127 }, 128, new ManualClock(0), 'test');
    const s = backend.getPartitionedState(new ValueStateDescriptor<Mutable>('v'));
    backend.setCurrentKey('a');
    s.update({});
    Object.defineProperty(s.value(), 'x', {
      enumerable: true,
      get() {
        throw null;
      },
    });
    expect(describeUncloneableState({ op: keyedSnapshot(backend) }, names)).toBe("ValueState 'v' for key 'a' in operator 'op' could not be cloned: null");
  });
});
