import { InputStatus, ReaderOutput, SourceReader, SourceReaderContext } from './Source';

/**
 * Shared machinery of readers fed by a Node stream (socket, file): lines are queued as they
 * arrive; the stream is paused when the queue is full (backpressure reaches the producer of
 * the bytes) and resumed when the task has drained it.
 */
export abstract class QueuedLineReader implements SourceReader<string> {
  private readonly queue: string[] = [];
  private head = 0;
  private ended = false;
  private paused = false;
  private waiting = false;

  protected constructor(
    protected readonly context: SourceReaderContext,
    private readonly highWaterMark = 16_384,
  ) {}

  abstract start(): void;
  abstract close(): void;
  protected abstract pauseInput(): void;
  protected abstract resumeInput(): void;

  /** Called by subclasses for each complete line. */
  protected enqueue = (line: string): void => {
    this.queue.push(line);
    if (!this.paused && this.queue.length - this.head >= this.highWaterMark) {
      this.paused = true;
      this.pauseInput();
    }
    this.notify();
  };

  /** Called by subclasses when the input has ended for good. */
  protected markEnded(): void {
    this.ended = true;
    this.notify();
  }

  pollNext(output: ReaderOutput<string>, maxRecords: number): InputStatus {
    const end = Math.min(this.queue.length, this.head + maxRecords);
    while (this.head < end) output.collect(this.queue[this.head++]);
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 65_536) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    const available = this.queue.length - this.head;
    if (this.paused && available < this.highWaterMark / 2) {
      this.paused = false;
      this.resumeInput();
    }
    if (available > 0) return 'MORE_AVAILABLE';
    if (this.ended) return 'END_OF_INPUT';
    this.waiting = true;
    return 'NOTHING_AVAILABLE';
  }

  private notify(): void {
    if (this.waiting) {
      this.waiting = false;
      this.context.wakeup();
    }
  }
}
