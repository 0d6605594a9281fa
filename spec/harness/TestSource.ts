import { InputStatus, ReaderOutput, Source, SourceReader, SourceReaderContext } from '../../lib/connectors/source/Source';

type Pending<T> = { readonly value: T; readonly timestamp: number | undefined };

/**
 * A source the test drives: `emit` queues elements for subtask `s` (all for subtask 0 by
 * default), `end` ends the input. Lets whole-job tests interleave input with clock advances.
 */
export class TestSource<T> implements Source<T> {
  readonly name = 'Test Source';
  readonly boundedness = 'CONTINUOUS_UNBOUNDED' as const;
  /** emitWithTimestamp gives records their event time. */
  readonly attachesTimestamps = true;
  private readonly queues = new Map<number, Pending<T>[]>();
  private readonly ended = new Set<number>();
  private readonly waiting = new Map<number, () => void>();
  private endAll = false;

  constructor(readonly maxSourceParallelism: number | undefined = 1) {}

  emit(...values: T[]): this {
    for (const v of values) this.push(0, v, undefined);
    return this;
  }

  emitWithTimestamp(value: T, timestamp: number, subtask = 0): this {
    this.push(subtask, value, timestamp);
    return this;
  }

  emitTo(subtask: number, ...values: T[]): this {
    for (const v of values) this.push(subtask, v, undefined);
    return this;
  }

  /** Ends the input of one subtask, or of all when no index is given. */
  end(subtask?: number): this {
    if (subtask === undefined) this.endAll = true;
    else this.ended.add(subtask);
    for (const s of subtask === undefined ? [...this.waiting.keys()] : [subtask]) this.wake(s);
    return this;
  }

  createReader(ctx: SourceReaderContext): SourceReader<T> {
    const s = ctx.subtaskIndex;
    return {
      start: () => {},
      pollNext: (output: ReaderOutput<T>, max: number): InputStatus => {
        const q = this.queues.get(s) ?? [];
        const n = Math.min(max, q.length);
        for (const p of q.splice(0, n)) output.collect(p.value, p.timestamp);
        if (q.length > 0) return 'MORE_AVAILABLE';
        if (this.ended.has(s) || this.endAll) return 'END_OF_INPUT';
        this.waiting.set(s, ctx.wakeup);
        return 'NOTHING_AVAILABLE';
      },
      close: () => {},
    };
  }

  private push(subtask: number, value: T, timestamp: number | undefined): void {
    const q = this.queues.get(subtask) ?? [];
    q.push({ value, timestamp });
    this.queues.set(subtask, q);
    this.wake(subtask);
  }

  private wake(subtask: number): void {
    const w = this.waiting.get(subtask);
    if (w) {
      this.waiting.delete(subtask);
      w();
    }
  }
}
