import net from 'net';
import { DEFAULT_MAX_FRAME_BYTES, encodeFrame, FrameDecoder } from './FrameCodec';

/**
 * A TCP connection that carries whole messages (length-prefixed v8 frames) in order. It closes
 * for good on any error (a reset, an oversized or corrupt frame): brook never reconnects a
 * connection silently, whoever owns it decides what its loss means. `onClose` is called once,
 * with the reason, or undefined when this side closed it.
 */
export class FramedConnection<In, Out> {
  private readonly decoder: FrameDecoder;
  private closed = false;
  private closing = false;
  private onMessageHandler: (message: In) => void = () => undefined;
  private onCloseHandler: (reason: Error | undefined) => void = () => undefined;
  /** host:port of the other side (kept: a destroyed socket forgets it). */
  readonly remote: string;

  constructor(
    readonly socket: net.Socket,
    private readonly maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES,
  ) {
    this.decoder = new FrameDecoder(maxFrameBytes);
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      let messages: unknown[];
      try {
        messages = this.decoder.push(chunk);
      } catch (e) {
        this.fail(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      for (const m of messages) {
        if (this.closed) return;
        this.onMessageHandler(m as In);
      }
    });
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error(`connection to ${this.remote} closed`)));
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  onMessage(handler: (message: In) => void): this {
    this.onMessageHandler = handler;
    return this;
  }

  onClose(handler: (reason: Error | undefined) => void): this {
    this.onCloseHandler = handler;
    return this;
  }

  /** Sends one message; a message too large to frame closes the connection (the other side would refuse it). */
  send(message: Out): void {
    if (this.closed) return;
    let frame: Buffer;
    try {
      frame = encodeFrame(message, this.maxFrameBytes);
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    this.socket.write(frame);
  }

  /** Closes after what was sent is flushed. */
  close(): void {
    if (this.closed) return;
    this.closing = true;
    this.closed = true;
    this.socket.end();
    this.onCloseHandler(undefined);
  }

  /** Closes at once, dropping what was not flushed. */
  destroy(reason: Error): void {
    this.fail(reason);
  }

  private fail(reason: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.onCloseHandler(this.closing ? undefined : reason);
  }
}

/** Connects to `host:port`; rejects with the connection error. */
export function connect<In, Out>(host: string, port: number, maxFrameBytes?: number): Promise<FramedConnection<In, Out>> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const onError = (e: Error): void => reject(new Error(`cannot connect to ${host}:${port}: ${e.message}`));
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(new FramedConnection<In, Out>(socket, maxFrameBytes));
    });
  });
}

/** `host:port` as given on the command line; the host defaults to 127.0.0.1. */
export function parseAddress(address: string): { readonly host: string; readonly port: number } {
  const m = /^(?:(.*):)?(\d+)$/.exec(address);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new Error(`'${address}' is not host:port`);
  return { host: m[1] || '127.0.0.1', port };
}
