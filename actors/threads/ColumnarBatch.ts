/**
 * A batch of records as columns, for crossing a MessagePort: a batch of strings, numbers or
 * flat plain objects of one shape (the same keys in the same order, each key always holding
 * a number, a string, a boolean, a Date, null or undefined) becomes typed arrays, and strings.
 * Structured clone walks every record and every field (measured on IpCount's records: about
 * 240 ns to serialize and 450 ns to deserialize one `{ date, ip, count }`); columns cost about
 * 30 and 60 ns. Anything else is left to structured clone.
 *
 * Decoded records equal what structured clone gives (plain objects with the same keys in the
 * same order, Dates with the same time, strings with the same UTF-16 code units, numbers with
 * the same value, -0 and NaN included) except that records or Dates shared between records of a
 * batch arrive as separate copies, as each record would arrive from Flink's serializers.
 *
 * A string column of short strings travels as one joined string and is cut on arrival. Longer
 * strings travel as they are: cut from a joined string they would be V8 sliced strings that
 * keep the whole batch's text alive for as long as any of them is kept (in window state, say).
 *
 * Each shape gets an encoder and a decoder generated for it (as serializer libraries such as
 * avsc do): named property reads instead of one generic loop over keys, and decoded records
 * built by an object literal, so that they share their hidden class with records the job
 * creates with a literal of the same keys. Records of two hidden classes made the window
 * operator's property accesses polymorphic on the receiving thread.
 */
export type Column =
  | { readonly kind: 'number'; readonly values: Float64Array }
  | { readonly kind: 'int'; readonly values: Int32Array }
  | { readonly kind: 'string'; readonly text: string; readonly lengths: Uint32Array }
  | { readonly kind: 'strings'; readonly values: readonly string[] }
  | { readonly kind: 'boolean'; readonly values: Uint8Array }
  | { readonly kind: 'date'; readonly times: Float64Array }
  | { readonly kind: 'null' }
  | { readonly kind: 'undefined' };

export type ColumnarValues =
  | { readonly kind: 'scalars'; readonly length: number; readonly column: Column }
  | { readonly kind: 'objects'; readonly length: number; readonly keys: readonly string[]; readonly columns: readonly Column[] };

/** What a record field may hold to be sent as a column. */
type FieldKind = 'number' | 'string' | 'boolean' | 'date' | 'null' | 'undefined';

/** V8 copies substrings shorter than this; longer ones are slices that keep their parent alive. */
const SLICED_STRING_MIN_LENGTH = 13;
/** Generated codecs are kept per shape; a job with more shapes than this sends the rest by clone. */
const MAX_SHAPES = 256;
/** Wider records go by structured clone (a generated function per shape stays small). */
const MAX_KEYS = 64;

/**
 * Fills one raw column per key (Float64Array, string[], Uint8Array, or nothing); false if a
 * record does not fit.
 */
type ShapeEncoder = (values: readonly unknown[], columns: unknown[]) => boolean;
type ShapeDecoder = (n: number, columns: readonly Column[]) => unknown[];

const encoders = new Map<string, ShapeEncoder>();
const decoders = new Map<string, ShapeDecoder>();

/** The columns of `values`, or undefined when they are not of one supported shape. */
export function encodeColumns(values: readonly unknown[], transfer: ArrayBuffer[]): ColumnarValues | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  const first = values[0];
  const kind = kindOf(first);
  if (kind !== undefined) {
    const raw = encodeScalars(values, kind);
    return raw === undefined ? undefined : { kind: 'scalars', length: n, column: finishColumn(kind, raw, n, transfer) };
  }
  if (!isPlainObject(first) || objectPrototypeHasEnumerables()) return undefined;
  const keys = Object.keys(first as object);
  if (keys.length > MAX_KEYS || keys.includes('__proto__')) return undefined;
  const kinds: FieldKind[] = [];
  for (const key of keys) {
    const k = kindOf((first as Record<string, unknown>)[key]);
    if (k === undefined) return undefined;
    kinds.push(k);
  }
  const encode = cached(encoders, JSON.stringify([keys, kinds]), () => generateEncoder(keys, kinds));
  const raw: unknown[] = [];
  if (encode === undefined || !encode(values, raw)) return undefined;
  return { kind: 'objects', length: n, keys, columns: kinds.map((k, j) => finishColumn(k, raw[j], n, transfer)) };
}

export function decodeColumns(batch: ColumnarValues): unknown[] {
  const n = batch.length;
  if (batch.kind === 'scalars') return decodeScalars(batch.column, n);
  const decode = cached(decoders, JSON.stringify([batch.keys, batch.columns.map((c) => c.kind)]), () =>
    generateDecoder(
      batch.keys,
      batch.columns.map((c) => c.kind),
    ),
  );
  if (decode !== undefined) return decode(n, batch.columns);
  // More shapes than the cache holds (the sender still had room): build records generically.
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = {};
  batch.keys.forEach((key, j) => {
    const column = decodeScalars(batch.columns[j], n);
    for (let i = 0; i < n; i++) Object.defineProperty(out[i], key, { value: column[i], enumerable: true, writable: true, configurable: true });
  });
  return out;
}

function cached<F>(cache: Map<string, F>, id: string, make: () => F): F | undefined {
  let f = cache.get(id);
  if (f === undefined) {
    if (cache.size >= MAX_SHAPES) return undefined;
    f = make();
    cache.set(id, f);
  }
  return f;
}

function kindOf(value: unknown): FieldKind | undefined {
  switch (typeof value) {
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'undefined':
      return 'undefined';
    case 'object':
      if (value === null) return 'null';
      return value instanceof Date ? 'date' : undefined;
    default:
      return undefined;
  }
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** for-in also visits inherited enumerable keys: only safe while Object.prototype has none. */
function objectPrototypeHasEnumerables(): boolean {
  for (const _ in Object.prototype) return true;
  return false;
}

function encodeScalars(values: readonly unknown[], kind: FieldKind): unknown {
  const n = values.length;
  switch (kind) {
    case 'number': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number') return undefined;
        out[i] = v;
      }
      return out;
    }
    case 'string': {
      for (let i = 0; i < n; i++) if (typeof values[i] !== 'string') return undefined;
      return values;
    }
    case 'boolean': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'boolean') return undefined;
        out[i] = v ? 1 : 0;
      }
      return out;
    }
    case 'date': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (!(v instanceof Date)) return undefined;
        out[i] = v.getTime();
      }
      return out;
    }
    case 'null':
      return values.every((v) => v === null) ? null : undefined;
    case 'undefined':
      return values.every((v) => v === undefined) ? null : undefined;
  }
}

/** A raw column as it travels: typed arrays go to the transfer list, short strings are joined. */
function finishColumn(kind: FieldKind, raw: unknown, n: number, transfer: ArrayBuffer[]): Column {
  switch (kind) {
    case 'number': {
      const values = raw as Float64Array;
      if (allInt32(values)) {
        const ints = new Int32Array(values);
        transfer.push(ints.buffer);
        return { kind: 'int', values: ints };
      }
      transfer.push(values.buffer as ArrayBuffer);
      return { kind, values };
    }
    case 'boolean': {
      const values = raw as Uint8Array;
      transfer.push(values.buffer as ArrayBuffer);
      return { kind, values };
    }
    case 'date': {
      const times = raw as Float64Array;
      transfer.push(times.buffer as ArrayBuffer);
      return { kind, times };
    }
    case 'string': {
      const strings = raw as readonly string[];
      const lengths = new Uint32Array(n);
      for (let i = 0; i < n; i++) {
        const length = strings[i].length;
        if (length >= SLICED_STRING_MIN_LENGTH) return { kind: 'strings', values: strings };
        lengths[i] = length;
      }
      transfer.push(lengths.buffer);
      return { kind, text: strings.join(''), lengths };
    }
    case 'null':
    case 'undefined':
      return { kind };
  }
}

/**
 * Integers (not -0) travel as an Int32Array: read back from a Float64Array they would be
 * doubles, and a double stored into a field that held small integers changes V8's field
 * representation for every record of that hidden class (boxed numbers from then on, and the
 * job's records migrated to a new hidden class).
 */
function allInt32(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if ((v | 0) !== v || (v === 0 && 1 / v < 0)) return false;
  }
  return true;
}

function decodeScalars(column: Column, n: number): unknown[] {
  const out = new Array<unknown>(n);
  switch (column.kind) {
    case 'number':
    case 'int':
      for (let i = 0; i < n; i++) out[i] = column.values[i];
      return out;
    case 'string': {
      const { text, lengths } = column;
      for (let i = 0, at = 0; i < n; i++) {
        const end = at + lengths[i];
        out[i] = text.slice(at, end);
        at = end;
      }
      return out;
    }
    case 'strings':
      return column.values.slice();
    case 'boolean':
      for (let i = 0; i < n; i++) out[i] = column.values[i] === 1;
      return out;
    case 'date':
      for (let i = 0; i < n; i++) out[i] = new Date(column.times[i]);
      return out;
    case 'null':
      return out.fill(null);
    case 'undefined':
      return out.fill(undefined);
  }
}

/** Property names as JavaScript string literals (JSON's string syntax is a subset). */
const literal = (key: string): string => JSON.stringify(key);

function generateEncoder(keys: readonly string[], kinds: readonly FieldKind[]): ShapeEncoder {
  const lines: string[] = ['const n = values.length;'];
  kinds.forEach((kind, j) => {
    if (kind === 'number' || kind === 'date') lines.push(`const c${j} = new Float64Array(n);`);
    else if (kind === 'boolean') lines.push(`const c${j} = new Uint8Array(n);`);
    else if (kind === 'string') lines.push(`const c${j} = new Array(n);`);
  });
  lines.push(
    'for (let i = 0; i < n; i++) {',
    '  const r = values[i];',
    '  if (typeof r !== "object" || r === null || getPrototypeOf(r) !== objectPrototype) return false;',
    '  let j = 0;',
    '  for (const k in r) { if (k !== keys[j]) return false; j++; }',
    `  if (j !== ${keys.length}) return false;`,
  );
  kinds.forEach((kind, j) => {
    const v = `r[${literal(keys[j])}]`;
    switch (kind) {
      case 'number':
        lines.push(`  { const v = ${v}; if (typeof v !== "number") return false; c${j}[i] = v; }`);
        break;
      case 'string':
        lines.push(`  { const v = ${v}; if (typeof v !== "string") return false; c${j}[i] = v; }`);
        break;
      case 'boolean':
        lines.push(`  { const v = ${v}; if (typeof v !== "boolean") return false; c${j}[i] = v ? 1 : 0; }`);
        break;
      case 'date':
        lines.push(`  { const v = ${v}; if (!(v instanceof DateClass)) return false; c${j}[i] = v.getTime(); }`);
        break;
      case 'null':
        lines.push(`  if (${v} !== null) return false;`);
        break;
      case 'undefined':
        lines.push(`  if (${v} !== undefined) return false;`);
        break;
    }
  });
  lines.push('}', `columns.push(${kinds.map((k, j) => (k === 'null' || k === 'undefined' ? 'null' : `c${j}`)).join(', ')});`, 'return true;');
  const make = new Function('keys', 'getPrototypeOf', 'objectPrototype', 'DateClass', `return function encode(values, columns) {\n${lines.join('\n')}\n};`);
  return make([...keys], Object.getPrototypeOf, Object.prototype, Date) as ShapeEncoder;
}

function generateDecoder(keys: readonly string[], kinds: readonly Column['kind'][]): ShapeDecoder {
  const prologue: string[] = [];
  const perRecord: string[] = [];
  const fields: string[] = [];
  kinds.forEach((kind, j) => {
    const name = literal(keys[j]);
    switch (kind) {
      case 'number':
      case 'int':
      case 'boolean':
        prologue.push(`const c${j} = columns[${j}].values;`);
        fields.push(`${name}: ${kind === 'boolean' ? `c${j}[i] === 1` : `c${j}[i]`}`);
        break;
      case 'date':
        prologue.push(`const c${j} = columns[${j}].times;`);
        fields.push(`${name}: new DateClass(c${j}[i])`);
        break;
      case 'strings':
        prologue.push(`const c${j} = columns[${j}].values;`);
        fields.push(`${name}: c${j}[i]`);
        break;
      case 'string':
        prologue.push(`const t${j} = columns[${j}].text, l${j} = columns[${j}].lengths; let p${j} = 0;`);
        perRecord.push(`const e${j} = p${j} + l${j}[i]; const s${j} = t${j}.slice(p${j}, e${j}); p${j} = e${j};`);
        fields.push(`${name}: s${j}`);
        break;
      case 'null':
        fields.push(`${name}: null`);
        break;
      case 'undefined':
        fields.push(`${name}: undefined`);
        break;
    }
  });
  const body = [
    ...prologue,
    'const out = new Array(n);',
    'for (let i = 0; i < n; i++) {',
    ...perRecord.map((l) => `  ${l}`),
    `  out[i] = { ${fields.join(', ')} };`,
    '}',
    'return out;',
  ].join('\n');
  return new Function('DateClass', `return function decode(n, columns) {\n${body}\n};`)(Date) as ShapeDecoder;
}
