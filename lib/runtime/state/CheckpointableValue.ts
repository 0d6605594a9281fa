/**
 * Whether a state value survives a checkpoint as it is. Checkpoints are written with
 * v8.serialize (the structured clone algorithm), which keeps plain data only: it throws on a
 * function or a symbol, and gives back a class instance as a plain object, its methods and
 * getters gone. Neither shows before a checkpoint, or a restore, which may be days after the
 * write; so every state write is checked and fails at once, naming the state, the key and the
 * path of the offending part.
 *
 * Kept cheap for the hot path: a primitive costs one `typeof`; an object is walked without
 * allocating, and walked again with a set of visited objects only if it is very deep or large
 * (a cycle, or parts shared many times over).
 */

/** What is wrong and where: `path` is '' for the value itself, else like `.a[2].b`. */
export interface Uncheckpointable {
  path: string;
  readonly what: string;
}

/** The first part of `value` a checkpoint cannot keep as it is, or undefined. */
export function findUncheckpointable(value: unknown): Uncheckpointable | undefined {
  switch (typeof value) {
    case 'object': {
      if (value === null) return undefined;
      fastNodes = 0;
      const fast = walkObject(value, 0, undefined);
      // Deeper or bigger than plain records usually are: perhaps a cycle, or parts shared many
      // times over; walk again, each object once.
      return fast === GIVE_UP ? (walkObject(value, 0, new Set([value])) as Uncheckpointable | undefined) : fast;
    }
    case 'function':
    case 'symbol':
      return leafProblem(value);
    default:
      return undefined;
  }
}

/**
 * The error for a value that cannot be checkpointed, e.g.
 * `ValueState 'count' for key '10.0.0.1': .cb is a function and cannot be checkpointed`.
 * `state` names the state (`ValueState 'count'`); `key` is the current key, if the state is
 * keyed; `where` says which part of an entry is meant (a map state's user key or value).
 */
export function uncheckpointableError(problem: Uncheckpointable, state: string, key: { readonly key: unknown } | undefined, where?: string): TypeError {
  const subject = problem.path === '' ? (where ?? 'the value') : where === undefined ? problem.path : `${where}: ${problem.path}`;
  return new TypeError(`${state}${key ? ` for key ${formatKey(key.key)}` : ''}: ${subject} ${problem.what}`);
}

/** True for the values findUncheckpointable must look at: the hot path's one test for primitives. */
export function needsCheck(value: unknown): boolean {
  const type = typeof value;
  return (type === 'object' && value !== null) || type === 'function' || type === 'symbol';
}

/** A key as errors show it: a string quoted, anything else as JSON. */
export function formatKey(key: unknown): string {
  if (typeof key === 'string') return `'${key}'`;
  if (typeof key === 'bigint') return `${key}n`;
  try {
    return JSON.stringify(key) ?? String(key);
  } catch {
    return String(key);
  }
}

/** A function or a symbol (the only values that are neither objects nor primitives). */
function leafProblem(value: unknown): Uncheckpointable {
  return { path: '', what: `is a ${typeof value === 'function' ? 'function' : 'symbol'} and cannot be checkpointed` };
}

/**
 * The first walk keeps no set of visited objects (most values are a few plain objects deep):
 * it gives up past these limits, and the value is walked again with one.
 */
const MAX_FAST_DEPTH = 64;
const MAX_FAST_NODES = 10_000;
const GIVE_UP: unique symbol = Symbol('give up');
let fastNodes = 0;

type WalkResult = Uncheckpointable | undefined | typeof GIVE_UP;

/** A child that is not a primitive (the callers pass over primitives at once). */
function walkChild(child: unknown, depth: number, seen: Set<object> | undefined): WalkResult {
  if (typeof child !== 'object') return leafProblem(child);
  const object = child as object;
  if (seen !== undefined) {
    if (seen.has(object)) return undefined;
    seen.add(object);
  } else if (depth >= MAX_FAST_DEPTH || ++fastNodes > MAX_FAST_NODES) {
    return GIVE_UP;
  }
  return walkObject(object, depth + 1, seen);
}

/** Numbers, strings, booleans, bigints, undefined and null: nothing to look into. */
function isPrimitive(value: unknown): boolean {
  const type = typeof value;
  return (type !== 'object' && type !== 'function' && type !== 'symbol') || value === null;
}

function walkObject(value: object, depth: number, seen: Set<object> | undefined): WalkResult {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const child: unknown = value[i];
      if (isPrimitive(child)) continue;
      const r = walkChild(child, depth, seen);
      if (r !== undefined) return within(r, `[${i}]`);
    }
    return undefined;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === Object.prototype || proto === null) {
    for (const k in value) {
      const child = (value as Record<string, unknown>)[k];
      if (isPrimitive(child)) continue;
      const r = walkChild(child, depth, seen);
      if (r !== undefined) return within(r, /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);
    }
    return undefined;
  }
  if (value instanceof Map) {
    for (const [k, v] of value) {
      const rk = isPrimitive(k) ? undefined : walkChild(k, depth, seen);
      if (rk !== undefined) return within(rk, '<map key>');
      const rv = isPrimitive(v) ? undefined : walkChild(v, depth, seen);
      if (rv !== undefined) return within(rv, `.get(${typeof k === 'string' ? JSON.stringify(k) : String(k)})`);
    }
    return undefined;
  }
  if (value instanceof Set) {
    for (const v of value) {
      const r = isPrimitive(v) ? undefined : walkChild(v, depth, seen);
      if (r !== undefined) return within(r, '<set element>');
    }
    return undefined;
  }
  if (isCloneableBuiltIn(value)) return undefined;
  const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
  const className = typeof name === 'string' && name !== '' ? name : 'an anonymous class';
  if (value instanceof Promise || value instanceof WeakMap || value instanceof WeakSet || value instanceof WeakRef) {
    return { path: '', what: `is a ${className} and cannot be checkpointed` };
  }
  return {
    path: '',
    what:
      `is an instance of class ${className}, which a checkpoint would restore as a plain object without ${className}'s ` +
      'methods and getters; store plain data (objects, arrays, Maps, Sets, Dates) and build the instance when reading it',
  };
}

/** Built-ins the structured clone algorithm copies with their type (v8.serialize keeps them). */
function isCloneableBuiltIn(value: object): boolean {
  return (
    value instanceof Date ||
    value instanceof RegExp ||
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    value instanceof Error ||
    value instanceof Number ||
    value instanceof String ||
    value instanceof Boolean ||
    value instanceof BigInt
  );
}

function within(result: Uncheckpointable | typeof GIVE_UP, segment: string): Uncheckpointable | typeof GIVE_UP {
  if (result !== GIVE_UP) result.path = segment + result.path;
  return result;
}
