import { copyStateValue } from '../../../lib/runtime/state/heap/AbstractHeapState';

class Tally {
  constructor(
    public n: number,
    public readonly tags: string[],
  ) {}

  plus(other: Tally): Tally {
    this.n += other.n;
    return this;
  }
}

describe('copyStateValue (the copy made before a snapshot-held value is changed)', () => {
  it('copies deeply: changing the copy, nested parts included, leaves the original as it was', () => {
    const original = { n: 1, inner: { list: [1, 2] }, at: new Date(5), byKey: new Map([['a', { n: 1 }]]), set: new Set([1]) };
    const copy = copyStateValue(original);
    copy.n = 2;
    copy.inner.list.push(3);
    copy.at.setTime(6);
    copy.byKey.get('a')!.n = 9;
    copy.set.add(2);
    expect(original).toEqual({ n: 1, inner: { list: [1, 2] }, at: new Date(5), byKey: new Map([['a', { n: 1 }]]), set: new Set([1]) });
  });

  it('keeps the class of records, so a reduce function may call their methods after a checkpoint too', () => {
    const copy = copyStateValue(new Tally(1, ['x']));
    expect(copy).toBeInstanceOf(Tally);
    expect(copy.plus(new Tally(2, [])).n).toBe(3);
  });

  it('keeps shared parts shared and copies cycles', () => {
    const shared = { n: 1 };
    const original: { a: object; b: object; self?: unknown } = { a: shared, b: shared };
    original.self = original;
    const copy = copyStateValue(original);
    expect(copy.a).toBe(copy.b);
    expect(copy.a).not.toBe(shared);
    expect(copy.self).toBe(copy);
  });

  it('copies typed arrays and leaves primitives as they are', () => {
    const bytes = new Uint8Array([1, 2]);
    const copy = copyStateValue(bytes);
    copy[0] = 9;
    expect([...bytes]).toEqual([1, 2]);
    expect(copyStateValue(7)).toBe(7);
    expect(copyStateValue(null)).toBe(null);
  });

  it('copies built-ins as working objects of their own class, apart from the original', () => {
    const bytes = new Uint8Array([1, 2]);
    const copy = copyStateValue({ bytes, re: /a+/g, error: new RangeError('bad'), none: null });
    expect(copy.bytes).toBeInstanceOf(Uint8Array);
    expect([...copy.bytes]).toEqual([1, 2]);
    copy.bytes[0] = 9;
    expect([...bytes]).toEqual([1, 2]);
    expect(copy.re.source).toBe('a+');
    expect(copy.re.test('aa')).toBe(true);
    // structuredClone gives back objects of Node's realm, not jest's: compared by behaviour and tag.
    expect(Object.prototype.toString.call(copy.error)).toBe('[object Error]');
    expect(copy.error.message).toBe('bad');
    expect(copy.none).toBeNull();
  });
});
