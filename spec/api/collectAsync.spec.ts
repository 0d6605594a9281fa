import { JobHarness } from '../harness/JobHarness';

describe('DataStream.collectAsync', () => {
  it('yields the records of an unbounded job in order, holding the job back while the consumer is slow', async () => {
    const h = new JobHarness({ parallelism: 1, batchSize: 16 });
    let generated = 0;
    try {
      h.env.setBufferTimeout(0);
      const records = h.env.fromGenerator((i) => (generated++, i), Infinity).collectAsync({ capacity: 32 });
      const first: number[] = [];
      for await (const r of records) {
        first.push(r);
        if (first.length === 5) break;
      }
      expect(first).toEqual([0, 1, 2, 3, 4]);
      // Left the loop: the job is cancelled (an unbounded job would never settle otherwise).
      await h.settle();
      expect((await records.client).getJobStatus()).toBe('CANCELED');
      expect(generated).toBeLessThan(20_000);
    } finally {
      await h.close();
    }
  });

  it('while nobody reads, the buffer stays within its capacity and a network batch, and the source stops', async () => {
    const h = new JobHarness({ parallelism: 1, batchSize: 16 });
    let generated = 0;
    try {
      h.env.setBufferTimeout(0);
      const records = h.env.fromGenerator((i) => (generated++, i), Infinity).collectAsync({ capacity: 32 });
      await records.client;
      await h.settle();
      expect(records.buffered).toBeGreaterThanOrEqual(32);
      expect(records.buffered).toBeLessThanOrEqual(32 + 16);
      const stalled = generated;
      await h.settle();
      expect(generated).toBe(stalled);
      // Reading on resumes the job, in order.
      const next: number[] = [];
      for (let i = 0; i < 3 * stalled; i++) next.push((await records.next()).value as number);
      expect(next).toEqual(Array.from({ length: 3 * stalled }, (_, i) => i));
      await h.settle();
      expect(generated).toBeGreaterThan(stalled);
      await records.return();
    } finally {
      await h.close();
    }
  });

  it('a bounded job ends the iteration after its last record', async () => {
    const h = new JobHarness({ parallelism: 1 });
    try {
      const records = h.env.fromSequence(1, 50).collectAsync();
      const all: number[] = [];
      const reading = (async () => {
        for await (const r of records) all.push(r);
      })();
      h.client = await records.client;
      await h.result(); // moves the manual clock while the job runs
      await reading;
      expect(all).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    } finally {
      await h.close();
    }
  });

  it('a failed job rejects next() after the records before the failure were read', async () => {
    const h = new JobHarness({ parallelism: 1 });
    try {
      h.env.setBufferTimeout(0);
      const records = h.env
        .fromGenerator((i) => i, 100, { recordsPerSecond: 1000 })
        .map((x) => {
          if (x === 10) throw new Error('ten');
          return x;
        })
        .collectAsync();
      const seen: number[] = [];
      const reading = (async () => {
        for await (const r of records) seen.push(r);
      })();
      reading.catch(() => undefined); // awaited below, after the job's result
      h.client = await records.client;
      await expect(h.result()).rejects.toThrow('ten');
      await expect(reading).rejects.toThrow('ten');
      expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => i));
    } finally {
      await h.close();
    }
  });
});
