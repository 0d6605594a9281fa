import { InputStatus, ReaderOutput, Source, SourceReader } from './Source';

/** fromElements / fromCollection: a bounded, non-parallel source over an in-memory list. */
export class CollectionSource<T> implements Source<T> {
  readonly name = 'Collection Source';
  readonly boundedness = 'BOUNDED' as const;
  readonly maxSourceParallelism = 1;

  constructor(private readonly elements: readonly T[]) {}

  createReader(): SourceReader<T> {
    const elements = this.elements;
    let next = 0;
    return {
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
