import { TimerHandle } from '../../time/Clock';
import { InputStatus, ReaderOutput, Source, SourceReader, SourceReaderContext } from './Source';

export interface DataGeneratorOptions {
  /** Records per second for the whole source (split evenly over subtasks); unlimited if absent. */
  readonly recordsPerSecond?: number;
  readonly name?: string;
}

/**
 * Flink's DataGeneratorSource: record i is `generator(i)` for i in [0, count). Parallel:
 * subtask s produces the indexes congruent to s modulo the parallelism, so the whole sequence
 * is produced exactly once whatever the parallelism. `count` may be Infinity (unbounded).
 * Rate limiting runs on the job's clock.
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
  private next: number;
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
    this.next = context.subtaskIndex;
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
    const step = this.context.parallelism;
    for (let i = 0; i < budget && this.next < this.count; i++) {
      output.collect(this.generator(this.next));
      this.next += step;
      this.emitted++;
    }
    return this.next < this.count ? 'MORE_AVAILABLE' : 'END_OF_INPUT';
  }

  close(): void {
    if (this.wakeTimer !== undefined) this.context.clock.clearTimeout(this.wakeTimer);
  }
}
