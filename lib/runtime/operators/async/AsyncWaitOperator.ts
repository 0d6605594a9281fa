import { AsyncFunction, AsyncOutputMode, AsyncWaitOptions, DEFAULT_ASYNC_CAPACITY } from '../../../core/async/AsyncFunction';
import { AbstractStreamOperator } from '../../AbstractStreamOperator';
import { MailboxExecutor } from '../../MailboxExecutor';
import { Cancellable } from '../../ProcessingTimeService';
import { OperatorStateSnapshot, StateInitializationContext } from '../../state/OperatorStateSnapshot';
import { AsyncTimeoutError } from './AsyncTimeoutError';

/** A request, from input to emission. 'waiting': over capacity, not issued yet. */
interface RequestEntry<IN, OUT> {
  readonly kind: 'record';
  readonly input: IN;
  readonly timestamp: number;
  state: 'waiting' | 'inFlight' | 'completed' | 'skipped';
  result: OUT | undefined;
  /** Order of completion: UNORDERED emits a segment's results in it. */
  completion: number;
  abort: AbortController | undefined;
  timer: Cancellable | undefined;
}

type QueueEntry<IN, OUT> = RequestEntry<IN, OUT> | { readonly kind: 'watermark'; readonly watermark: number };

/** What a checkpoint keeps of a request: its input, re-issued on restore. */
interface PendingInput {
  readonly value: unknown;
  readonly timestamp: number;
}

/**
 * Flink's AsyncWaitOperator. Each input is handed to the async function; completions come back
 * through the task's mailbox, so operator state only changes between records. ORDERED emits
 * results in input order; UNORDERED as they complete, but never across a watermark (a
 * watermark waits for every result before it, and no result after it overtakes it).
 *
 * At most `capacity` requests are issued and not yet emitted. An input that arrives when the
 * queue is full waits in it unissued (a batch or a source slice may bring several), and the
 * operator reports itself blocked so the task takes no more input: backpressure.
 *
 * A checkpoint keeps the inputs of every request not yet emitted; a restore issues them again,
 * so each input yields its result exactly once downstream of a restored job.
 */
export class AsyncWaitOperator<IN, OUT> extends AbstractStreamOperator<IN, OUT> {
  private readonly queue: QueueEntry<IN, OUT>[] = [];
  /** Entries over capacity, in input order, issued as room frees. */
  private readonly waiting: RequestEntry<IN, OUT>[] = [];
  private waitingHead = 0;
  /** Requests issued and not yet emitted. */
  private occupied = 0;
  private readonly capacity: number;
  private restored: readonly PendingInput[] = [];
  private mailbox!: MailboxExecutor;
  private closed = false;
  private completions = 0;

  constructor(
    private readonly fn: AsyncFunction<IN, OUT>,
    private readonly mode: AsyncOutputMode,
    private readonly options: AsyncWaitOptions<IN, OUT>,
    name: string,
  ) {
    super(name);
    this.capacity = options.capacity ?? DEFAULT_ASYNC_CAPACITY;
    if (!Number.isInteger(this.capacity) || this.capacity < 1) throw new RangeError(`async capacity must be a positive integer, got ${options.capacity}`);
    if (!(options.timeout > 0)) throw new RangeError(`async timeout must be a positive number of ms, got ${options.timeout}`);
  }

  initializeState(context: StateInitializationContext): void {
    this.restored = context.isRestored ? (context.operator as readonly PendingInput[]) : [];
  }

  snapshotState(): OperatorStateSnapshot {
    const pending: PendingInput[] = [];
    for (const e of this.queue) if (e.kind === 'record') pending.push({ value: e.input, timestamp: e.timestamp });
    return { operator: pending };
  }

  override open(): void {
    const mailbox = this.context.mailboxExecutor;
    if (!mailbox) throw new Error(`operator '${this.name}' needs a task mailbox to receive async results`);
    this.mailbox = mailbox;
    // Flink's AsyncWaitOperator#open: the requests a checkpoint held are issued again.
    const restored = this.restored;
    this.restored = [];
    for (const p of restored) this.processElement(p.value as IN, p.timestamp);
  }

  processElement(value: IN, timestamp: number): void {
    const entry: RequestEntry<IN, OUT> = {
      kind: 'record',
      input: value,
      timestamp,
      state: 'waiting',
      result: undefined,
      completion: 0,
      abort: undefined,
      timer: undefined,
    };
    this.queue.push(entry);
    if (this.occupied < this.capacity) this.issue(entry);
    else this.waiting.push(entry);
  }

  override processWatermark(watermark: number): void {
    if (this.queue.length === 0) super.processWatermark(watermark);
    else this.queue.push({ kind: 'watermark', watermark });
  }

  isInputBlocked(): boolean {
    return this.occupied >= this.capacity;
  }

  hasPendingWork(): boolean {
    return this.queue.length > 0;
  }

  /** Requests in flight or completed and not yet emitted (the queue's occupancy, as Flink counts it). */
  get inFlightCount(): number {
    return this.occupied;
  }

  override close(): void {
    this.closed = true;
    for (const e of this.queue) if (e.kind === 'record') this.release(e);
  }

  private issue(entry: RequestEntry<IN, OUT>): void {
    entry.state = 'inFlight';
    this.occupied++;
    const abort = new AbortController();
    entry.abort = abort;
    const timeoutMs = this.options.timeout;
    const time = this.context.processingTimeService;
    entry.timer = time.registerTimer(time.getCurrentProcessingTime() + timeoutMs, () => this.timedOut(entry));
    let request: PromiseLike<OUT>;
    try {
      request = this.fn(entry.input, abort.signal);
    } catch (e) {
      this.failed(entry, e);
      return;
    }
    Promise.resolve(request).then(
      (result) => this.mailbox.execute(() => this.completed(entry, result), `${this.name}: async result`),
      (error: unknown) => this.mailbox.execute(() => this.failed(entry, error), `${this.name}: async failure`),
    );
  }

  private completed(entry: RequestEntry<IN, OUT>, result: OUT): void {
    // Timed out (and answered by onTimeout) or abandoned at close: the late result is dropped.
    if (entry.state !== 'inFlight' || this.closed) return;
    this.release(entry);
    this.settle(entry, 'completed', result);
  }

  private failed(entry: RequestEntry<IN, OUT>, error: unknown): void {
    if (entry.state !== 'inFlight' || this.closed) return;
    this.release(entry);
    this.userFunctionFailed(error, entry.input); // throws (fails the task) unless the input is malformed
    this.settle(entry, 'skipped', undefined);
  }

  /** Run from a processing-time timer, hence on the mailbox. */
  private timedOut(entry: RequestEntry<IN, OUT>): void {
    if (entry.state !== 'inFlight' || this.closed) return;
    const { onTimeout, timeout } = this.options;
    this.release(entry);
    if (!onTimeout) throw new AsyncTimeoutError(this.name, entry.input, timeout);
    let result: OUT;
    try {
      result = onTimeout(entry.input);
    } catch (e) {
      this.userFunctionFailed(e, entry.input);
      this.settle(entry, 'skipped', undefined);
      return;
    }
    this.settle(entry, 'completed', result);
  }

  private settle(entry: RequestEntry<IN, OUT>, state: 'completed' | 'skipped', result: OUT | undefined): void {
    entry.state = state;
    entry.result = result;
    entry.completion = ++this.completions;
    this.emitReady();
  }

  /** Cancels the request's timer and aborts its signal (a no-op once it settled). */
  private release(entry: RequestEntry<IN, OUT>): void {
    entry.timer?.cancel();
    entry.timer = undefined;
    entry.abort?.abort();
    entry.abort = undefined;
  }

  private emitReady(): void {
    if (this.mode === 'ORDERED') this.emitOrdered();
    else this.emitUnordered();
    this.issueWaiting();
  }

  /** Flink's OrderedStreamElementQueue: the head goes out once it is done. */
  private emitOrdered(): void {
    let n = 0;
    while (n < this.queue.length) {
      const head = this.queue[n];
      if (head.kind === 'record' && (head.state === 'waiting' || head.state === 'inFlight')) break;
      this.emit(head);
      n++;
    }
    if (n > 0) this.queue.splice(0, n);
  }

  /**
   * Flink's UnorderedStreamElementQueue: completed results of the first segment (before the
   * first queued watermark) go out at once; the watermark goes out when its segment is empty.
   */
  private emitUnordered(): void {
    for (;;) {
      const done: RequestEntry<IN, OUT>[] = [];
      let i = 0;
      while (i < this.queue.length) {
        const e = this.queue[i];
        // Requests are issued in input order: past the first unissued one nothing has completed.
        if (e.kind === 'watermark' || e.state === 'waiting') break;
        if (e.state === 'completed' || e.state === 'skipped') {
          done.push(e);
          this.queue.splice(i, 1);
        } else i++;
      }
      if (done.length > 1) done.sort((x, y) => x.completion - y.completion);
      for (const e of done) this.emit(e);
      if (i > 0 || this.queue.length === 0 || this.queue[0].kind !== 'watermark') return;
      this.emit(this.queue.shift()!); // a watermark whose segment is empty
    }
  }

  private emit(entry: QueueEntry<IN, OUT>): void {
    if (entry.kind === 'watermark') {
      super.processWatermark(entry.watermark);
      return;
    }
    this.occupied--;
    if (entry.state === 'completed') this.output.collect(entry.result as OUT, entry.timestamp);
  }

  private issueWaiting(): void {
    while (this.occupied < this.capacity && this.waitingHead < this.waiting.length) {
      const entry = this.waiting[this.waitingHead];
      this.waiting[this.waitingHead++] = undefined as unknown as RequestEntry<IN, OUT>;
      this.issue(entry);
    }
    if (this.waitingHead === this.waiting.length) {
      this.waiting.length = 0;
      this.waitingHead = 0;
    }
  }
}
