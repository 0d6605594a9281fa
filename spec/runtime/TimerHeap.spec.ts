import fc from 'fast-check';
import { HeapEntry, TimerHeap } from '../../lib/runtime/TimerHeap';

interface Timer extends HeapEntry {
  readonly name: string;
}

function drain(heap: TimerHeap<Timer>): string[] {
  const out: string[] = [];
  for (let t = heap.pop(); t !== undefined; t = heap.pop()) out.push(t.name);
  return out;
}

describe('TimerHeap', () => {
  it('is empty at first: nothing to peek or pop', () => {
    const heap = new TimerHeap<Timer>();
    expect(heap.size).toBe(0);
    expect(heap.peek()).toBeUndefined();
    expect(heap.pop()).toBeUndefined();
  });

  it('pops by timestamp, and timers of equal timestamp in the order they were added', () => {
    const heap = new TimerHeap<Timer>();
    heap.push({ timestamp: 30, seq: 0, name: 'c' });
    heap.push({ timestamp: 10, seq: 1, name: 'a1' });
    heap.push({ timestamp: 20, seq: 2, name: 'b' });
    heap.push({ timestamp: 10, seq: 3, name: 'a2' });
    heap.push({ timestamp: 10, seq: 4, name: 'a3' });
    expect(heap.size).toBe(5);
    expect(heap.peek()?.name).toBe('a1');
    expect(drain(heap)).toEqual(['a1', 'a2', 'a3', 'b', 'c']);
    expect(heap.size).toBe(0);
  });

  it('peek does not remove; toArray is a copy of every entry', () => {
    const heap = new TimerHeap<Timer>();
    heap.push({ timestamp: 2, seq: 0, name: 'x' });
    heap.push({ timestamp: 1, seq: 1, name: 'y' });
    expect(heap.peek()?.name).toBe('y');
    expect(heap.size).toBe(2);
    const snapshot = heap.toArray();
    heap.pop();
    expect(snapshot.map((t) => t.name).sort()).toEqual(['x', 'y']);
    expect(heap.toArray().map((t) => t.name)).toEqual(['x']);
  });

  it('for any pushes and pops interleaved, every pop returns the least (timestamp, seq) entry left', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constant<'pop'>('pop')), { maxLength: 200 }), (ops) => {
        const heap = new TimerHeap<Timer>();
        const model: Timer[] = [];
        let seq = 0;
        for (const op of ops) {
          if (op === 'pop') {
            model.sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq);
            expect(heap.pop()).toBe(model.shift());
          } else {
            const t = { timestamp: op, seq: seq++, name: String(seq) };
            heap.push(t);
            model.push(t);
          }
          expect(heap.size).toBe(model.length);
        }
      }),
    );
  });
});
