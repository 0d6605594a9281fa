import { AbstractStreamOperator } from '../AbstractStreamOperator';

/** Where a BoundedCollectOperator puts records: a buffer a consumer outside the job drains. */
export interface CollectBuffer<T> {
  offer(value: T): void;
  /** The consumer is behind: the sink takes no more input until it calls `onRoom`'s callback. */
  readonly isFull: boolean;
  /** Called (any number of times) when the consumer has taken records and there is room again. */
  onRoom(wake: () => void): () => void;
}

/**
 * The sink of DataStream.collectAsync: hands records to a buffer in this process and, while
 * the buffer is full, refuses input so that the task stops reading and backpressure reaches
 * the sources. Room made by the consumer wakes the task through its mailbox.
 */
export class BoundedCollectOperator<T> extends AbstractStreamOperator<T, never> {
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly buffer: CollectBuffer<T>,
    name: string,
  ) {
    super(name);
  }

  override open(): void {
    const mailbox = this.context.mailboxExecutor;
    if (!mailbox) throw new Error(`operator '${this.name}' needs a task mailbox to be woken when the consumer has room`);
    this.unsubscribe = this.buffer.onRoom(() => mailbox.execute(() => undefined, `${this.name}: consumer has room`));
  }

  processElement(value: T): void {
    this.buffer.offer(value);
  }

  isInputBlocked(): boolean {
    return this.buffer.isFull;
  }

  override close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
