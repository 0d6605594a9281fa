import { InputStatus, ReaderOutput, Source, SourceReader, SourceReaderContext } from '../../../lib/connectors/source/Source';
import { TimerHandle } from '../../../lib/time/Clock';

/** One split of the sequence: indexes `next, next + stride, …`. */
interface Split {
  readonly next: number;
  readonly stride: number;
}

/**
 * An unbounded sequence whose record i is due at `startMs + i / ratePerSecond` of wall-clock
 * time and carries that time as its event time. A reader emits, as fast as it can, every record
 * already due; after a restore it replays from its checkpointed position, so a job that was
 * down has a backlog to catch up on, and its watermark tells how far behind the clock it is.
 * `startMs` is a job argument: the same in every process and every attempt.
 */
export class WallClockSource<T> implements Source<T> {
  readonly name = 'Wall-clock Source';
  readonly boundedness = 'CONTINUOUS_UNBOUNDED' as const;
  readonly attachesTimestamps = true;

  constructor(
    private readonly generator: (index: number) => T,
    private readonly startMs: number,
    private readonly ratePerSecond: number,
  ) {}

  createReader(context: SourceReaderContext): SourceReader<T> {
    return new WallClockReader(this.generator, this.startMs, this.ratePerSecond, context);
  }
}

class WallClockReader<T> implements SourceReader<T> {
  private readonly splits: Array<{ next: number; stride: number }>;
  private wakeTimer: TimerHandle | undefined;

  constructor(
    private readonly generator: (index: number) => T,
    private readonly startMs: number,
    private readonly ratePerSecond: number,
    private readonly context: SourceReaderContext,
  ) {
    const restored = context.restoredSplits as readonly Split[] | undefined;
    this.splits = restored ? restored.map((s) => ({ ...s })) : [{ next: context.subtaskIndex, stride: context.parallelism }];
  }

  start(): void {}

  private dueAt(index: number): number {
    return this.startMs + (index * 1000) / this.ratePerSecond;
  }

  pollNext(output: ReaderOutput<T>, maxRecords: number): InputStatus {
    const now = Date.now();
    let emitted = 0;
    for (const split of this.splits) {
      while (emitted < maxRecords && this.dueAt(split.next) <= now) {
        output.collect(this.generator(split.next), this.dueAt(split.next));
        split.next += split.stride;
        emitted++;
      }
    }
    if (emitted > 0) return 'MORE_AVAILABLE';
    const due = Math.min(...this.splits.map((s) => this.dueAt(s.next)));
    this.wakeTimer = this.context.clock.setTimeout(() => this.context.wakeup(), Math.max(1, Math.ceil(due - now)));
    return 'NOTHING_AVAILABLE';
  }

  snapshotState(): readonly Split[] {
    return this.splits.map((s) => ({ ...s }));
  }

  close(): void {
    if (this.wakeTimer !== undefined) this.context.clock.clearTimeout(this.wakeTimer);
  }
}
