import { InputStatus, ReaderOutput, Source, SourceReader, SourceReaderContext } from './Source';

/** fromElements / fromCollection: a bounded, non-parallel source over an in-memory list. */
export class CollectionSource<T> implements Source<T> {
  readonly name = 'Collection Source';
  readonly boundedness = 'BOUNDED' as const;
  readonly maxSourceParallelism = 1;

  constructor(private readonly elements: readonly T[]) {}

  /** Its position (the index of the next element) is checkpointed, so it replays after a restore. */
  createReader(context: SourceReaderContext): SourceReader<T> {
    const elements = this.elements;
    const restored = context.restoredSplits as ReadonlyArray<{ next: number }> | undefined;
    let next = restored ? (restored[0]?.next ?? elements.length) : 0;
    return {
      snapshotState: () => [{ next }],
      start(): void {},
      pollNext(output: ReaderOutput<T>, maxRecords: number): InputStatus {
        const end = Math.min(elements.length, next + maxRecords);
        while (next < end) output.collect(elements[next++]);
        return next < elements.length ? 'MORE_AVAILABLE' : 'END_OF_INPUT';
      },
      close(): void {},
    };
  }
}
