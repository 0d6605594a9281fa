import fs from 'fs';
import os from 'os';
import path from 'path';
import { AsyncDataStream } from '../../lib/api/AsyncDataStream';
import { CollectSink } from '../../lib/connectors/sink/CollectSink';
import { AbstractStreamOperator } from '../../lib/runtime/AbstractStreamOperator';
import { OperatorStateSnapshot } from '../../lib/runtime/state/OperatorStateSnapshot';
import { Clock } from '../../lib/time/Clock';
import { FailAfterRecords } from '../harness/FailAfterRecords';
import { JobHarness } from '../harness/JobHarness';
import { TransactionalCollectSink } from '../harness/TransactionalCollectSink';

/** Resolves after `ms` of the job's (manual) clock; rejects at once when `signal` aborts. */
function after<T>(clock: Clock, ms: number, value: T, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => resolve(value), ms);
    signal?.addEventListener('abort', () => {
      clock.clearTimeout(timer);
      reject(new Error('aborted'));
    });
  });
}

/** 0, 1, …, count-1 from `from` on, one per ms of the manual clock. */
async function* paced(clock: Clock, count: number, from = 0): AsyncGenerator<number> {
  for (let i = from; i < count; i++) yield await after(clock, 1, i);
}

/**
 * Passes records on and, when a barrier passes, answers every request still pending: their
 * completions then reach the mailbox after the barrier, before the checkpoint completes.
 */
class AnswerPendingAtBarrier<T> extends AbstractStreamOperator<T, T> {
  constructor(private readonly pending: Set<() => void>) {
    super('Answer Pending At Barrier');
  }

  processElement(value: T, timestamp: number): void {
    this.output.collect(value, timestamp);
  }

  snapshotState(): OperatorStateSnapshot {
    for (const answer of [...this.pending]) answer();
    return {};
  }
}

const range = (n: number, f: (i: number) => number = (i) => i): number[] => Array.from({ length: n }, (_, i) => f(i));

describe('async sources and async I/O in a job', () => {
  it('fromAsyncIterable with a factory of the offset: a restore resumes after the last record emitted (exactly once)', async () => {
    const h = new JobHarness({ parallelism: 1 });
    const sink = new TransactionalCollectSink<number>();
    const offsets: number[] = [];
    try {
      h.env.enableCheckpointing(100).setRestartStrategy({ type: 'fixed-delay', attempts: 1, delayMs: 10 });
      h.env
        .fromAsyncIterable((offset) => {
          offsets.push(offset);
          return paced(h.clock, 1000, offset);
        })
        .transform('Fail After Records', () => new FailAfterRecords<number>(350, 0))
        .sinkTo(sink);
      await h.start();
      const result = await h.result();
      expect(result.numRestarts).toBe(1);
      expect(offsets[0]).toBe(0);
      expect(offsets[1]).toBeGreaterThan(0);
      expect(sink.committed).toEqual(range(1000));
    } finally {
      await h.close();
    }
  });

  it('AsyncDataStream with requests in flight at checkpoints and a failure: each result exactly once', async () => {
    const h = new JobHarness({ parallelism: 1 });
    const sink = new TransactionalCollectSink<number>();
    let inFlight = 0;
    let maxInFlight = 0;
    try {
      h.env.enableCheckpointing(100).setRestartStrategy({ type: 'fixed-delay', attempts: 1, delayMs: 10 });
      const source = h.env.fromGenerator((i) => i, 1000, { recordsPerSecond: 2000 });
      AsyncDataStream.unorderedWait(
        source,
        async (x: number, signal) => {
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          try {
            return await after(h.clock, (x % 7) * 15, x * 10, signal);
          } finally {
            inFlight--;
          }
        },
        { timeout: 1000, capacity: 20 },
      )
        .transform('Fail After Records', () => new FailAfterRecords<number>(500, 0))
        .sinkTo(sink);
      await h.start();
      const result = await h.result();
      expect(result.numRestarts).toBe(1);
      expect([...sink.committed].sort((a, b) => a - b)).toEqual(range(1000, (i) => i * 10));
      expect(maxInFlight).toBeLessThanOrEqual(20);
    } finally {
      await h.close();
    }
  });

  it('stop-with-savepoint with requests in flight: nothing is emitted after the savepoint, the resumed job re-issues them (each result once)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-async-sp-'));
    const sink = new CollectSink<number>();
    const pending = new Set<() => void>();
    const define = (h: JobHarness): void => {
      h.env.enableCheckpointing(100).setBufferTimeout(0);
      const source = h.env.fromGenerator((i) => i, 600, { recordsPerSecond: 2000 }).uid('numbers');
      AsyncDataStream.unorderedWait(
        source,
        (x: number, signal) =>
          new Promise<number>((resolve) => {
            const answer = (): void => {
              pending.delete(answer);
              resolve(x * 10);
            };
            pending.add(answer);
            signal.addEventListener('abort', () => pending.delete(answer));
            void after(h.clock, (x % 7) * 15, undefined, signal).then(answer, () => undefined);
          }),
        { timeout: 1000, capacity: 20 },
      )
        .uid('lookup')
        .transform('Answer Pending At Barrier', () => new AnswerPendingAtBarrier<number>(pending))
        .uid('answer')
        .sinkTo(sink)
        .uid('sink');
    };
    let savepoint: string;
    const first = new JobHarness({ parallelism: 1 });
    try {
      define(first);
      await first.start();
      await first.advance(150);
      const stopping = first.client!.stopWithSavepoint(path.join(dir, 'savepoints'));
      while (first.client!.getJobStatus() !== 'FINISHED') await first.advance(5);
      savepoint = await stopping;
    } finally {
      await first.close();
    }
    const emittedBefore = sink.values.length;
    expect(emittedBefore).toBeGreaterThan(0);
    expect(emittedBefore).toBeLessThan(600);
    const second = new JobHarness({ parallelism: 1 });
    try {
      define(second);
      second.env.setSavepointRestoreSettings({ path: savepoint });
      await second.start();
      await second.result();
    } finally {
      await second.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect([...sink.values].sort((a, b) => a - b)).toEqual(range(600, (i) => i * 10));
  });

  it('a bounded job ends only after the last async results went out', async () => {
    const h = new JobHarness({ parallelism: 1 });
    const sink = new TransactionalCollectSink<string>();
    try {
      h.env.enableCheckpointing(100);
      AsyncDataStream.orderedWait(h.env.fromElements('a', 'b', 'c'), (s: string) => after(h.clock, 500, s.toUpperCase()), { timeout: 1000 }).sinkTo(sink);
      await h.start();
      await h.result();
      expect(sink.committed).toEqual(['A', 'B', 'C']);
    } finally {
      await h.close();
    }
  });

  it('a full request queue stops the task taking input, which backpressures the source', async () => {
    const h = new JobHarness({ parallelism: 1, batchSize: 16, creditsPerChannel: 2 });
    let generated = 0;
    let issued = 0;
    try {
      const source = h.env.fromGenerator((i) => (generated++, i), 200_000);
      AsyncDataStream.orderedWait(source.rebalance(), (x: number) => (issued++, after(h.clock, 10_000, x)), { timeout: 60_000, capacity: 5 }).addSink(
        () => undefined,
      );
      await h.start();
      await h.advance(50);
      expect(issued).toBe(5);
      expect(generated).toBeLessThan(20_000);
    } finally {
      await h.close();
    }
  });

  it('a timeout fails the job, naming the operator and the input', async () => {
    const h = new JobHarness({ parallelism: 1 });
    try {
      AsyncDataStream.orderedWait(h.env.fromElements('slow'), (s: string) => after(h.clock, 5000, s), { timeout: 1000 }).addSink(() => undefined);
      await h.start();
      await expect(h.result()).rejects.toThrow(`operator 'async wait operator': async request for "slow" timed out after 1000 ms`);
    } finally {
      await h.close();
    }
  });
});
