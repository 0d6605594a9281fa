import { CollectBuffer } from '../runtime/operators/BoundedCollectOperator';
import { JobClient } from './JobClient';

/**
 * What DataStream.collectAsync returns: the stream's records as an async iterator while the job
 * runs. Records wait in a bounded buffer; when the consumer is slower than the job the sink
 * stops taking input, so the job slows to the consumer's pace. Leaving the loop early
 * (`break`, `return`, a throw) cancels the job. A failed job rejects `next()` once the records
 * before the failure were read.
 */
export class CollectIterator<T> implements AsyncIterableIterator<T>, CollectBuffer<T> {
  private readonly records: T[] = [];
  private head = 0;
  private readonly waiters: Array<{ resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }> = [];
  private readonly wakers = new Set<() => void>();
  private outcome: { kind: 'running' } | { kind: 'finished' } | { kind: 'failed'; error: unknown } | { kind: 'closed' } = { kind: 'running' };

  private submitted: Promise<JobClient> | undefined;

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`collectAsync capacity must be a positive integer, got ${capacity}`);
  }

  /** The job, once it was submitted. */
  get client(): Promise<JobClient> {
    if (!this.submitted) throw new Error('collectAsync: the job was not submitted');
    return this.submitted;
  }

  /** Follows the job whose sink feeds this iterator: its end or failure ends the iteration. */
  follow(client: Promise<JobClient>): void {
    this.submitted = client;
    client.then(
      (c) =>
        c.getJobExecutionResult().then(
          () => this.settle({ kind: 'finished' }),
          (error: unknown) => this.settle({ kind: 'failed', error }),
        ),
      (error: unknown) => this.settle({ kind: 'failed', error }),
    );
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.head < this.records.length) return Promise.resolve({ value: this.take(), done: false });
    switch (this.outcome.kind) {
      case 'running':
        return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
      case 'finished':
      case 'closed':
        return Promise.resolve({ value: undefined, done: true });
      case 'failed':
        return Promise.reject(this.outcome.error);
    }
  }

  /** Called by `for await` when the loop is left early: cancels the job. */
  async return(): Promise<IteratorResult<T>> {
    if (this.outcome.kind === 'running') {
      this.settle({ kind: 'closed' });
      const client = await this.client;
      await client.cancel();
    }
    return { value: undefined, done: true };
  }

  /** Records waiting for the consumer. */
  get buffered(): number {
    return this.records.length - this.head;
  }

  // ---- CollectBuffer: called by the sink, on its task's mailbox

  get isFull(): boolean {
    return this.records.length - this.head >= this.capacity;
  }

  offer(value: T): void {
    if (this.outcome.kind === 'closed') return;
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve({ value, done: false });
    else this.records.push(value);
  }

  onRoom(wake: () => void): () => void {
    this.wakers.add(wake);
    return () => void this.wakers.delete(wake);
  }

  private take(): T {
    const wasFull = this.isFull;
    const value = this.records[this.head];
    this.records[this.head++] = undefined as T;
    if (this.head === this.records.length) {
      this.records.length = 0;
      this.head = 0;
    }
    if (wasFull && !this.isFull) for (const wake of this.wakers) wake();
    return value;
  }

  private settle(outcome: CollectIterator<T>['outcome']): void {
    if (this.outcome.kind !== 'running') return;
    this.outcome = outcome;
    if (outcome.kind === 'closed') {
      this.records.length = 0;
      this.head = 0;
    }
    for (const w of this.waiters.splice(0)) {
      if (outcome.kind === 'failed') w.reject(outcome.error);
      else w.resolve({ value: undefined, done: true });
    }
  }
}
