import { TimerHandle } from '../../time/Clock';
import { InputStatus, ReaderOutput, Source, SourceReader, SourceReaderContext } from './Source';

export interface DataGeneratorOptions {
  /** Records per second for the whole source (split evenly over subtasks); unlimited if absent. */
  readonly recordsPerSecond?: number;
  readonly name?: string;
}

/** One split of the sequence: indexes `next, next + stride, …` below the count. */
interface GeneratorSplit {
  readonly next: number;
  readonly stride: number;
}

/**
 * Flink's DataGeneratorSource: record i is `generator(i)` for i in [0, count). Parallel:
 * subtask s produces the indexes congruent to s modulo the parallelism, so the whole sequence
 * is produced exactly once whatever the parallelism. `count` may be Infinity (unbounded).
 * Rate limiting runs on the job's clock. Checkpointed as splits (next index, stride): restored
 * with another parallelism, each subtask continues the splits dealt to it.
 */
export class DataGeneratorSource<T> implements Source<T> {
  readonly name: string;
  readonly boundedness;

  constructor(
    private readonly generator: (index: number) => T,
    private readonly count: number,
    private readonly options: DataGeneratorOptions = {},
  ) {
    if (!(count >= 0)) throw new RangeError(`count must be >= 0 (or Infinity), got ${count}`);
    this.boundedness = Number.isFinite(count) ? ('BOUNDED' as const) : ('CONTINUOUS_UNBOUNDED' as const);
    this.name = options.name ?? 'Generator Source';
  }

  createReader(context: SourceReaderContext): SourceReader<T> {
    return new GeneratorReader(this.generator, this.count, this.options.recordsPerSecond, context);
  }
}

class GeneratorReader<T> implements SourceReader<T> {
  private readonly splits: Array<{ next: number; stride: number }>;
  /** The split being read; those before it are exhausted. */
  private current = 0;
  private emitted = 0;
  private startTime = 0;
  private readonly perMs: number | undefined;
  private wakeTimer: TimerHandle | undefined;

  constructor(
    private readonly generator: (index: number) => T,
    private readonly count: number,
    recordsPerSecond: number | undefined,
    private readonly context: SourceReaderContext,
  ) {
    const restored = context.restoredSplits as readonly GeneratorSplit[] | undefined;
    this.splits = restored ? restored.map((s) => ({ ...s })) : [{ next: context.subtaskIndex, stride: context.parallelism }];
    this.perMs = recordsPerSecond === undefined ? undefined : recordsPerSecond / context.parallelism / 1000;
  }

  start(): void {
    this.startTime = this.context.clock.now();
  }

  pollNext(output: ReaderOutput<T>, maxRecords: number): InputStatus {
    let budget = maxRecords;
    if (this.perMs !== undefined) {
      const allowed = Math.floor((this.context.clock.now() - this.startTime) * this.perMs) + 1 - this.emitted;
      if (allowed <= 0) {
        const due = this.startTime + Math.ceil(this.emitted / this.perMs);
        this.wakeTimer = this.context.clock.setTimeout(() => this.context.wakeup(), Math.max(1, due - this.context.clock.now()));
        return 'NOTHING_AVAILABLE';
      }
      budget = Math.min(budget, allowed);
    }
    let i = 0;
    while (i < budget && this.current < this.splits.length) {
      const split = this.splits[this.current];
      if (split.next >= this.count) {
        this.current++;
        continue;
      }
      output.collect(this.generator(split.next));
      split.next += split.stride;
      this.emitted++;
      i++;
    }
    while (this.current < this.splits.length && this.splits[this.current].next >= this.count) this.current++;
    return this.current < this.splits.length ? 'MORE_AVAILABLE' : 'END_OF_INPUT';
  }

  snapshotState(): readonly GeneratorSplit[] {
    return this.splits.map((s) => ({ ...s }));
  }

  close(): void {
    if (this.wakeTimer !== undefined) this.context.clock.clearTimeout(this.wakeTimer);
  }
}
