import { TextWriter } from '../../runtime/StreamOperator';

/** The reader of a pipe went away (`brook run job.js | head -3`): nothing written from now on reaches anyone. */
export class OutputClosedError extends Error {
  override readonly name = 'OutputClosedError';

  constructor(
    readonly streamName: string,
    override readonly cause: Error,
  ) {
    super(`${streamName} was closed by its reader (${(cause as NodeJS.ErrnoException).code ?? cause.message}): nothing more can be written to it`);
  }
}

/** What a StreamTextWriter needs of a Node writable stream (process.stdout is one). */
export interface WritableTextStream {
  write(text: string): boolean;
  readonly writableNeedDrain?: boolean;
  on(event: 'drain', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * A TextWriter on a Node writable stream that passes the stream's backpressure on (`write`
 * returns false, `drained()` waits for its 'drain') and turns a failure of the stream, such as
 * EPIPE when the reader of a pipe exits, into an OutputClosedError for every later write,
 * instead of an unhandled 'error' event that would end the process.
 */
export class StreamTextWriter implements TextWriter {
  private failure: OutputClosedError | undefined;
  private waiting: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private readonly closeListeners: Array<(error: OutputClosedError) => void> = [];

  constructor(
    private readonly stream: WritableTextStream,
    streamName: string,
  ) {
    stream.on('drain', () => this.settle(undefined));
    stream.on('error', (error) => {
      if (this.failure) return;
      this.failure = new OutputClosedError(streamName, error);
      this.settle(this.failure);
      for (const listener of this.closeListeners) listener(this.failure);
    });
  }

  /** Whether the stream failed; later writes throw. */
  get closed(): boolean {
    return this.failure !== undefined;
  }

  write(text: string): boolean {
    if (this.failure) throw this.failure;
    return this.stream.write(text);
  }

  drained(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.stream.writableNeedDrain === false) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Calls `listener` once when the stream fails (at once if it has failed). */
  onClose(listener: (error: OutputClosedError) => void): void {
    if (this.failure) listener(this.failure);
    else this.closeListeners.push(listener);
  }

  private settle(failure: Error | undefined): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) {
      if (failure) w.reject(failure);
      else w.resolve();
    }
  }
}

let stdoutWriter: StreamTextWriter | undefined;
let stderrWriter: StreamTextWriter | undefined;

/** The process's standard output as a TextWriter; one per process, so its listeners are added once. */
export function standardOutput(): StreamTextWriter {
  return (stdoutWriter ??= new StreamTextWriter(process.stdout, 'standard output'));
}

/** The process's standard error as a TextWriter; one per process. */
export function standardError(): StreamTextWriter {
  return (stderrWriter ??= new StreamTextWriter(process.stderr, 'standard error'));
}
