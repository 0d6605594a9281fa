import fc from 'fast-check';
import { decodeColumns, encodeColumns } from '../../../actors/threads/ColumnarBatch';
import { decodeFromPort, encodeForPort } from '../../../actors/threads/channelCodec';

/**
 * Values as comparable data: Dates (from any realm: jest's structuredClone makes them in
 * Node's) become their time, and objects list their keys in order.
 */
function plain(value: unknown): unknown {
  if (Object.prototype.toString.call(value) === '[object Date]') return { date: Date.prototype.getTime.call(value) };
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) return Object.entries(value).map(([k, v]) => [k, plain(v)]);
  return value;
}

/** What the receiving thread gets: the encoded message, structured-cloned with its transfer list. */
function viaPort(values: unknown[]): { values: unknown[]; columnar: boolean } {
  const { message, transfer } = encodeForPort({ type: 'records', channel: 3, values, timestamps: values.map((_, i) => i * 10) });
  const received = structuredClone(message, { transfer });
  const decoded = decodeFromPort(received);
  if (decoded.type !== 'records') throw new Error('not a batch');
  expect(decoded.channel).toBe(3);
  expect([...(decoded.timestamps as Float64Array)]).toEqual(values.map((_, i) => i * 10));
  return { values: decoded.values, columnar: 'columns' in (received as object) };
}

const field = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity),
  fc.string({ unit: 'binary' }),
  fc.string({ minLength: 13, maxLength: 40 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.date({ noInvalidDate: false }),
);

describe('ColumnarBatch (record batches across TaskManager threads)', () => {
  it('sends IpCount records and text lines as columns, equal to what structured clone gives', () => {
    const records = Array.from({ length: 50 }, (_, i) => ({ date: new Date(i * 1000), ip: `10.0.0.${i % 7}`, count: 1 }));
    const got = viaPort(records);
    expect(got.columnar).toBe(true);
    expect(plain(got.values)).toEqual(plain(structuredClone(records)));
    expect((got.values[3] as { date: Date }).date).toBeInstanceOf(Date);
    const lines = records.map((r) => `${r.date.toISOString()} ${r.ip}`);
    expect(viaPort(lines)).toEqual({ values: lines, columnar: true });
  });

  it('keeps key order, -0, NaN, undefined fields, invalid Dates and lone surrogates', () => {
    const values = [
      { b: -0, a: 'x\ud800', c: undefined, d: new Date(NaN), e: null, f: true },
      { b: NaN, a: '', c: undefined, d: new Date(0), e: null, f: false },
    ];
    const got = viaPort(values);
    expect(got.columnar).toBe(true);
    expect(Object.keys(got.values[0] as object)).toEqual(['b', 'a', 'c', 'd', 'e', 'f']);
    expect(Object.is((got.values[0] as { b: number }).b, -0)).toBe(true);
    expect(plain(got.values)).toEqual(plain(structuredClone(values)));
  });

  it('leaves batches it cannot encode exactly to structured clone', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const cases: unknown[][] = [
      [{ a: 1 }, { a: 'one' }], // a field changes type
      [
        { a: 1, b: 2 },
        { b: 2, a: 1 },
      ], // another key order
      [{ a: 1 }, { a: 1, b: 2 }], // another shape
      [{ a: { nested: 1 } }], // nested object
      [{ a: [1, 2] }], // array field
      [new Point(1)], // class instance: clone makes a plain object
      [new Map([[1, 2]])],
      [[1, 2]],
      [1n],
      ['text', 1],
      [JSON.parse('{"__proto__": 1}')], // an own property named __proto__: a literal would set the prototype
    ];
    for (const values of cases) {
      expect(encodeColumns(values, [])).toBeUndefined();
      const got = viaPort(values);
      expect(got.columnar).toBe(false);
      expect(plain(got.values)).toEqual(plain(structuredClone(values)));
    }
  });

  it('decodes any batch of one flat shape to what structured clone gives', () => {
    const shaped = fc
      .uniqueArray(fc.string({ maxLength: 4 }), { minLength: 1, maxLength: 5 })
      .chain((keys) =>
        fc
          .array(fc.tuple(...keys.map(() => field)), { minLength: 1, maxLength: 30 })
          .map((rows) => rows.map((row) => Object.fromEntries(keys.map((k, i) => [k, row[i]])))),
      );
    fc.assert(
      fc.property(fc.oneof(shaped, fc.array(field, { minLength: 1, maxLength: 30 })), (values) => {
        const transfer: ArrayBuffer[] = [];
        const columns = encodeColumns(values, transfer);
        const expected = structuredClone(values);
        const got = columns ? decodeColumns(structuredClone(columns, { transfer })) : viaPort(values).values;
        expect(plain(got)).toEqual(plain(expected));
      }),
      { numRuns: 300 },
    );
  });
});
