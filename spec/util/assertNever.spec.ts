import { assertNever } from '../../lib/util/assertNever';

describe('assertNever', () => {
  it('fails loudly on a value that slipped past the types, naming what and its tag', () => {
    const fromAnOlderPeer = { type: 'somethingNew', payload: 1 } as never;
    expect(() => assertNever(fromAnOlderPeer, 'task message')).toThrow("unhandled task message: 'somethingNew'");
    expect(() => assertNever({ kind: 'odd' } as never, 'route match')).toThrow("unhandled route match: 'odd'");
    expect(() => assertNever(42 as never, 'number')).toThrow('unhandled number: 42');
  });
});
