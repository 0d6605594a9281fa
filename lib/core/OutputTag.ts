/** Names a side output, as Flink's OutputTag: `new OutputTag<Rec>('late')`. */
export class OutputTag<T> {
  /** Phantom member so that tags of different element types do not mix. */
  declare readonly __element?: (value: T) => T;

  constructor(readonly id: string) {
    if (!id) throw new Error('OutputTag id must be a non-empty string');
  }

  toString(): string {
    return `OutputTag(${this.id})`;
  }
}
