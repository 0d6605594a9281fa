import net from 'net';
import { TimerHandle } from '../../time/Clock';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from './LineSplitter';
import { QueuedLineReader } from './QueuedLineReader';
import { Source, SourceReader, SourceReaderContext } from './Source';

/** Flink waits 500 ms between reconnection attempts. */
export const SOCKET_RETRY_DELAY_MS = 500;

/**
 * socketTextStream(host, port, delimiter, maxRetry), as Flink's SocketTextStreamFunction: lines
 * split on the delimiter; when the server closes the connection the source retries only while
 * `maxRetry === -1 || attempt < maxRetry`, otherwise emits the trailing partial line and ends.
 * A refused connection fails the job with the address in the message; so does an error on an
 * open connection (ECONNRESET): Flink's read throws then, and neither retries nor emits the
 * partial line.
 */
export class SocketTextSource implements Source<string> {
  readonly name = 'Socket Stream';
  readonly boundedness = 'CONTINUOUS_UNBOUNDED' as const;
  readonly maxSourceParallelism = 1;

  constructor(
    readonly hostname: string,
    readonly port: number,
    readonly delimiter = '\n',
    readonly maxRetry = 0,
    /** Longer lines are skipped and counted as malformed records (see DEFAULT_MAX_LINE_BYTES). */
    readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  ) {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`invalid port ${port}`);
    if (maxRetry < -1) throw new RangeError(`maxRetry must be -1 (forever) or >= 0, got ${maxRetry}`);
  }

  createReader(context: SourceReaderContext): SourceReader<string> {
    return new SocketLineReader(this, context);
  }
}

class SocketLineReader extends QueuedLineReader {
  private socket: net.Socket | undefined;
  private splitter: LineSplitter;
  private attempt = 0;
  private closed = false;
  private retryTimer: TimerHandle | undefined;

  constructor(
    private readonly source: SocketTextSource,
    context: SourceReaderContext,
  ) {
    super(context);
    this.splitter = new LineSplitter(source.delimiter, source.maxLineBytes, (max) =>
      context.skipRecord(`a line longer than ${max} bytes from ${source.hostname}:${source.port} (maxLineBytes)`),
    );
  }

  start(): void {
    this.connect();
  }

  private connect(): void {
    const { hostname, port } = this.source;
    const socket = net.createConnection({ host: hostname, port });
    this.socket = socket;
    let connected = false;
    socket.on('connect', () => {
      connected = true;
      this.context.log('connected to %s:%d', hostname, port);
    });
    socket.on('data', (chunk: Buffer) => this.splitter.push(chunk, this.enqueue));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (this.closed) return;
      if (!connected) {
        this.closed = true;
        this.context.fail(new Error(`socket source could not connect to ${hostname}:${port} (${err.code ?? err.message}); is the server running?`));
      } else {
        // A reset connection lost data mid-stream: that is a failure of the source, not the end
        // of its input, and the cut-off line after the last delimiter is not a record.
        this.closed = true;
        this.context.fail(new Error(`socket source lost its connection to ${hostname}:${port} (${err.code ?? err.message})`));
      }
    });
    socket.on('close', () => {
      if (this.closed || !connected) return;
      this.attempt++;
      const { maxRetry } = this.source;
      if (maxRetry === -1 || this.attempt < maxRetry) {
        this.context.log('server closed the connection; retry %d in %d ms', this.attempt, SOCKET_RETRY_DELAY_MS);
        this.retryTimer = this.context.clock.setTimeout(() => this.connect(), SOCKET_RETRY_DELAY_MS);
        return;
      }
      this.context.log('server closed the connection; end of stream');
      this.splitter.end(this.enqueue);
      this.markEnded();
    });
  }

  protected pauseInput(): void {
    this.socket?.pause();
  }

  protected resumeInput(): void {
    this.socket?.resume();
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer !== undefined) this.context.clock.clearTimeout(this.retryTimer);
    this.socket?.destroy();
  }
}
