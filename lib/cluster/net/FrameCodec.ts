import v8 from 'v8';

/** The largest frame brook sends or accepts: a bigger one is a bug or a stranger, not a batch. */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;

const HEADER_BYTES = 4;

/** A frame whose length header exceeds the maximum: the connection carrying it is unusable. */
export class FrameTooLargeError extends Error {
  override readonly name = 'FrameTooLargeError';
  constructor(
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`a frame of ${bytes} bytes exceeds the maximum frame size of ${maxBytes} bytes`);
  }
}

/**
 * One message as it goes over a TCP connection between brook processes: a 4-byte big-endian
 * length, then the message as `v8.serialize` writes it (structured clone: plain objects,
 * arrays, Maps, Dates, typed arrays, so the columnar record batches of worker threads cross
 * processes as they are).
 */
export function encodeFrame(message: unknown, maxBytes: number = DEFAULT_MAX_FRAME_BYTES): Buffer {
  const payload = v8.serialize(message);
  if (payload.length > maxBytes) throw new FrameTooLargeError(payload.length, maxBytes);
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32BE(payload.length, 0);
  return Buffer.concat([header, payload], HEADER_BYTES + payload.length);
}

/**
 * Cuts a byte stream back into messages: TCP delivers chunks that may hold part of a frame or
 * several frames. An oversized length header is refused as soon as it is read, before any of
 * the payload is buffered.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failed: FrameTooLargeError | undefined;

  constructor(private readonly maxBytes: number = DEFAULT_MAX_FRAME_BYTES) {}

  /** The messages completed by `chunk`, in order; throws FrameTooLargeError on an oversized frame (and from then on). */
  push(chunk: Buffer): unknown[] {
    if (this.failed) throw this.failed;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: unknown[] = [];
    for (;;) {
      if (this.buffered < HEADER_BYTES) break;
      const head = this.peek(HEADER_BYTES);
      const length = head.readUInt32BE(0);
      if (length > this.maxBytes) {
        this.failed = new FrameTooLargeError(length, this.maxBytes);
        throw this.failed;
      }
      if (this.buffered < HEADER_BYTES + length) break;
      const frame = this.take(HEADER_BYTES + length);
      messages.push(v8.deserialize(frame.subarray(HEADER_BYTES)));
    }
    return messages;
  }

  /** Bytes received that do not form a whole frame yet. */
  get pendingBytes(): number {
    return this.buffered;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length >= n) return this.chunks[0];
    const all = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [all];
    return all;
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    const frame = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return frame;
  }
}
