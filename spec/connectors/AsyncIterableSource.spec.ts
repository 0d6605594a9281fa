import { AsyncIterableSource } from '../../lib/connectors/source/AsyncIterableSource';
import { ReaderDriver } from '../harness/ReaderDriver';

/** Lets settled promises run their callbacks (no time passes). */
const promisesSettle = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/** 0, 1, 2, … (up to 10 000, so a reader that ignores prefetch fails rather than hangs), counting pulls and return(). */
function counting(from = 0): AsyncIterable<number> & { pulls: number; returned: boolean } {
  let next = from;
  const it = {
    pulls: 0,
    returned: false,
    [Symbol.asyncIterator]: () => ({
      next: (): Promise<IteratorResult<number>> => {
        it.pulls++;
        return Promise.resolve(next < 10_000 ? { value: next++, done: false } : { value: undefined, done: true });
      },
      return: (): Promise<IteratorResult<number>> => {
        it.returned = true;
        return Promise.resolve({ value: undefined, done: true });
      },
    }),
  };
  return it;
}

async function* upTo(n: number, from = 0): AsyncGenerator<number> {
  for (let i = from; i < n; i++) yield i;
}

describe('AsyncIterableSource', () => {
  it('reads ahead at most `prefetch` records while nobody polls, then one more per record taken', async () => {
    const it = counting();
    const d = new ReaderDriver(new AsyncIterableSource(it, { prefetch: 8 })).start();
    await promisesSettle();
    expect(it.pulls).toBe(8);
    await promisesSettle();
    expect(it.pulls).toBe(8);
    expect(d.poll(3)).toBe('MORE_AVAILABLE');
    await promisesSettle();
    expect(d.emitted).toEqual([0, 1, 2]);
    expect(it.pulls).toBe(11);
  });

  it('ends the input at the end of the iterable, after every record', async () => {
    const d = new ReaderDriver(new AsyncIterableSource(upTo(5))).start();
    expect(await d.pollUntilEndOrFailure()).toBe('END_OF_INPUT');
    expect(d.emitted).toEqual([0, 1, 2, 3, 4]);
  });

  it('a rejected iterator fails the source, naming it', async () => {
    async function* broken(): AsyncGenerator<number> {
      yield 1;
      throw new Error('feed went away');
    }
    const d = new ReaderDriver(new AsyncIterableSource(broken(), { name: 'Ticker' })).start();
    const outcome = await d.pollUntilEndOrFailure();
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toBe(`source 'Ticker': the async iterable failed: feed went away`);
  });

  it('closing calls the iterator’s return()', async () => {
    const it = counting();
    const d = new ReaderDriver(new AsyncIterableSource(it)).start();
    await promisesSettle();
    d.close();
    expect(it.returned).toBe(true);
  });

  it('a checkpoint keeps the position of the last record emitted, not of what was prefetched; a restore resumes there', async () => {
    const offsets: number[] = [];
    const factory = (offset: number): AsyncIterable<number> => {
      offsets.push(offset);
      return upTo(100, offset);
    };
    const first = new ReaderDriver(new AsyncIterableSource(factory, { prefetch: 16 })).start();
    await promisesSettle();
    first.poll(5);
    const state = first.reader.snapshotState!(1);
    expect(state).toEqual([{ offset: 5 }]);
    first.close();

    const second = new ReaderDriver(new AsyncIterableSource(factory, { prefetch: 16 }), undefined, state).start();
    await second.pollUntilEmitted(3);
    expect(offsets).toEqual([0, 5]);
    expect(second.emitted).toEqual([5, 6, 7]);
    expect(second.reader.snapshotState!(2)).toEqual([{ offset: 8 }]);
  });

  it('warns once that a plain iterable is at most once when the job checkpoints; a factory does not warn', () => {
    const plain = new AsyncIterableSource(counting());
    const a = new ReaderDriver(plain, undefined, undefined, 'EXACTLY_ONCE');
    const b = new ReaderDriver(plain, undefined, undefined, 'EXACTLY_ONCE');
    expect([...a.warnings, ...b.warnings]).toEqual([expect.stringContaining('at most once')]);
    expect(new ReaderDriver(new AsyncIterableSource(() => counting()), undefined, undefined, 'EXACTLY_ONCE').warnings).toEqual([]);
    expect(new ReaderDriver(new AsyncIterableSource(counting())).warnings).toEqual([]);
  });

  it('refuses what is not an async iterable, and a prefetch below 1', () => {
    expect(() => new AsyncIterableSource([1, 2] as unknown as AsyncIterable<number>)).toThrow('AsyncIterable');
    expect(() => new AsyncIterableSource(counting(), { prefetch: 0 })).toThrow('prefetch');
  });
});
