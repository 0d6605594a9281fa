import { InputStatus, ReaderOutput, Source, SourceReader, SourceReaderContext } from '../../lib/connectors/source/Source';

/** The checkpointed split of one reader: how many records of its subtask's log it emitted. */
interface LogPosition {
  readonly subtask: number;
  readonly position: number;
}

/**
 * A source the test drives, with a position in checkpoints, like a log or a Kafka partition:
 * `append` adds records to a subtask's log, `end` ends a subtask's input. A reader restored from
 * a checkpoint goes on from the position it had there, so what a subtask restored shows in what
 * it emits again (and in `restoredPositions`).
 */
export class ReplayableTestSource<T> implements Source<T> {
  readonly name = 'Replayable Test Source';
  readonly boundedness = 'CONTINUOUS_UNBOUNDED' as const;
  /** Each restored reader's subtask and the position it restored. */
  readonly restoredPositions: LogPosition[] = [];
  /** Subtasks whose reader was closed (the task finished or was cancelled), in order. */
  readonly closed: number[] = [];
  private readonly logs = new Map<number, T[]>();
  private readonly ended = new Set<number>();
  private readonly waiting = new Map<number, () => void>();

  append(subtask: number, ...values: T[]): this {
    this.logs.set(subtask, [...(this.logs.get(subtask) ?? []), ...values]);
    this.wake(subtask);
    return this;
  }

  end(subtask: number): this {
    this.ended.add(subtask);
    this.wake(subtask);
    return this;
  }

  createReader(ctx: SourceReaderContext): SourceReader<T> {
    const subtask = ctx.subtaskIndex;
    const restored = (ctx.restoredSplits as readonly LogPosition[] | undefined)?.find((s) => s.subtask === subtask);
    let position = restored?.position ?? 0;
    if (ctx.restoredSplits) this.restoredPositions.push({ subtask, position });
    return {
      start: () => {},
      pollNext: (output: ReaderOutput<T>, max: number): InputStatus => {
        const log = this.logs.get(subtask) ?? [];
        const until = Math.min(log.length, position + max);
        for (; position < until; position++) output.collect(log[position]);
        if (position < log.length) return 'MORE_AVAILABLE';
        if (this.ended.has(subtask)) return 'END_OF_INPUT';
        this.waiting.set(subtask, ctx.wakeup);
        return 'NOTHING_AVAILABLE';
      },
      snapshotState: (): LogPosition[] => [{ subtask, position }],
      close: () => void this.closed.push(subtask),
    };
  }

  private wake(subtask: number): void {
    const w = this.waiting.get(subtask);
    if (w) {
      this.waiting.delete(subtask);
      w();
    }
  }
}
