import { Checkpointable } from '../../../lib/core/state/Checkpointable';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../../../lib/core/state/StateDescriptor';

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

interface Session {
  user: string;
  started: Date;
  pages: readonly string[];
  counts: Map<string, number>;
  seen: Set<string>;
  last?: { at: number; bytes: Uint8Array };
}

type Tree = { label: string; children: Tree[] };

/**
 * State descriptors refuse, at compile time, value types a checkpoint cannot keep (`npm test`
 * type-checks spec/ before running it): each @ts-expect-error below fails the build if the line
 * compiles.
 */
describe('compile-time checks of state value types', () => {
  it('accepts plain data: primitives, objects, arrays, tuples, Maps, Sets, Dates, typed arrays, recursive types', () => {
    const ok = [
      new ValueStateDescriptor<number>('n', 0),
      new ValueStateDescriptor('inferred', { a: 1 }),
      new ValueStateDescriptor<Session>('session'),
      new ValueStateDescriptor<[string, number]>('pair'),
      new ValueStateDescriptor<Tree>('tree'),
      new ValueStateDescriptor<unknown>('anything'),
      new ValueStateDescriptor<string | null>('maybe'),
      new ListStateDescriptor<Session>('sessions'),
      new MapStateDescriptor<string, Session>('byUser'),
      new ReducingStateDescriptor<{ n: number }>('sum', (a, b) => ({ n: a.n + b.n })),
      // Only the accumulator is stored: the added values may be class instances.
      new AggregatingStateDescriptor<Point, { n: number }, number>('count', {
        createAccumulator: () => ({ n: 0 }),
        add: (_p, acc) => ({ n: acc.n + 1 }),
        getResult: (acc) => acc.n,
        merge: (a, b) => ({ n: a.n + b.n }),
      }),
    ];
    expect(ok.map((d) => d.kind)).toEqual(['value', 'value', 'value', 'value', 'value', 'value', 'value', 'list', 'map', 'reducing', 'aggregating']);
  });

  it('refuses functions, symbols, class instances with methods, and values that contain them', () => {
    // @ts-expect-error a function cannot be checkpointed
    new ValueStateDescriptor<() => number>('f');
    // @ts-expect-error a symbol cannot be checkpointed
    new ValueStateDescriptor<symbol>('s');
    // @ts-expect-error a class instance comes back from a checkpoint without its methods
    new ValueStateDescriptor<Point>('p');
    // @ts-expect-error a field holding a function
    new ValueStateDescriptor<{ n: number; cb: () => void }>('withCallback');
    // @ts-expect-error an optional field holding a function
    new ValueStateDescriptor<{ n: number; cb?: () => void }>('withOptionalCallback');
    // @ts-expect-error deep inside an array in a Map
    new ValueStateDescriptor<Map<string, Array<{ at: Point }>>>('deep');
    // @ts-expect-error list elements
    new ListStateDescriptor<Point>('points');
    // @ts-expect-error map user keys
    new MapStateDescriptor<symbol, number>('bySymbol');
    // @ts-expect-error map values
    new MapStateDescriptor<string, () => void>('callbacks');
    // @ts-expect-error a reduced value
    new ReducingStateDescriptor<Point>('nearest', (a) => a);
    new AggregatingStateDescriptor<number, Point, number>(
      // @ts-expect-error an accumulator
      'acc',
      { createAccumulator: () => new Point(0, 0), add: (_v, a) => a, getResult: (a) => a.x, merge: (a) => a },
    );
  });

  it('Checkpointable<T> maps what cannot be checkpointed to never', () => {
    const plain: Checkpointable<{ a: number; b: string[] }> = { a: 1, b: ['x'] };
    const noCallback: Checkpointable<{ a: number; cb: () => void }>['cb'] = undefined as never;
    expect([plain, noCallback]).toEqual([{ a: 1, b: ['x'] }, undefined]);
  });
});
