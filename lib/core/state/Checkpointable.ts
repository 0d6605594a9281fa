/** Built-ins a checkpoint keeps with their type (v8.serialize restores them as they were). */
type CheckpointableBuiltIn = Date | RegExp | ArrayBuffer | ArrayBufferView | Error;

type FunctionLike = ((...args: never[]) => unknown) | (abstract new (...args: never[]) => unknown);

/**
 * T with every part a checkpoint cannot keep turned into `never`: functions (methods of a class
 * included) and symbols. A type is checkpointable when it is assignable to its own
 * Checkpointable: `{ n: number }` is, `{ n: number; cb: () => void }` and a class with methods
 * are not (a checkpoint restores a class instance as a plain object, without its methods).
 * Plain objects, arrays, tuples, Maps, Sets, Dates, typed arrays and primitives are.
 */
export type Checkpointable<T> = T extends FunctionLike
  ? never
  : T extends symbol
    ? never
    : T extends CheckpointableBuiltIn
      ? T
      : T extends Map<infer K, infer V>
        ? Map<Checkpointable<K>, Checkpointable<V>>
        : T extends ReadonlyMap<infer K, infer V>
          ? ReadonlyMap<Checkpointable<K>, Checkpointable<V>>
          : T extends Set<infer E>
            ? Set<Checkpointable<E>>
            : T extends ReadonlySet<infer E>
              ? ReadonlySet<Checkpointable<E>>
              : T extends object
                ? { [K in keyof T]: Checkpointable<T[K]> }
                : T;

/**
 * The type of a state descriptor's `name`: a string when the state's values can be
 * checkpointed; otherwise a type no string is assignable to, so that
 * `new ValueStateDescriptor<() => number>('f')` does not compile, and the compiler's message
 * says why. (The values are checked again when written, for what gets past the types.)
 */
export type StateName<T> = [T] extends [Checkpointable<T>] ? string : { readonly 'state values must be plain data: no functions, symbols or class methods': T };
