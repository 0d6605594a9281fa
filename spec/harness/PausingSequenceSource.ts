import { InputStatus, ReaderOutput, Source, SourceReader, SourceReaderContext } from '../../lib/connectors/source/Source';

/**
 * The numbers 0..count-1 from one reader that rewinds to its checkpointed position, and that
 * stops at `pauseAt` until a checkpoint it took there has completed. Whatever happens after the
 * pause (a failure, say) therefore happens with a completed checkpoint at exactly `pauseAt`, the
 * latest one: a restore from it must make the reader emit `count - pauseAt` numbers, on any
 * clock and any thread.
 */
export class PausingSequenceSource implements Source<number> {
  readonly name = 'Pausing Sequence Source';
  readonly boundedness = 'BOUNDED' as const;
  readonly maxSourceParallelism = 1;

  constructor(
    readonly count: number,
    readonly pauseAt: number,
  ) {}

  createReader(ctx: SourceReaderContext): SourceReader<number> {
    const [restored] = (ctx.restoredSplits ?? []) as number[];
    let next = restored ?? 0;
    /** Checkpoints taken at the pause; the first of them to complete ends it. */
    const atPause = new Set<number>();
    let paused = next === this.pauseAt;
    return {
      start: () => undefined,
      pollNext: (output: ReaderOutput<number>, maxRecords: number): InputStatus => {
        if (paused) return 'NOTHING_AVAILABLE';
        const end = next < this.pauseAt ? this.pauseAt : this.count;
        for (let i = 0; i < maxRecords && next < end; i++) output.collect(next++);
        if (next === this.pauseAt) {
          paused = true;
          return 'NOTHING_AVAILABLE';
        }
        return next < this.count ? 'MORE_AVAILABLE' : 'END_OF_INPUT';
      },
      close: () => undefined,
      snapshotState: (checkpointId: number): readonly unknown[] => {
        if (paused) atPause.add(checkpointId);
        return [next];
      },
      notifyCheckpointComplete: (checkpointId: number): void => {
        if (!paused || !atPause.has(checkpointId)) return;
        paused = false;
        ctx.wakeup();
      },
    };
  }
}
