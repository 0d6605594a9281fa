import { DEFAULT_MAX_LINE_BYTES } from './LineSplitter';

/** Decoded bytes that end with "\n" (or the stream's last, unterminated line). */
interface Block {
  readonly text: string;
  /** The bytes, kept only when some character is not one byte (to find the byte offsets of lines). */
  readonly bytes: Buffer | undefined;
  /** Byte offset of the block's first byte in the stream. */
  readonly start: number;
  readonly byteLength: number;
}

/** Which lines of the stream are this queue's: a split of a file read by parallel readers. */
export interface LineRange {
  /**
   * The first byte pushed is the one just before `startOffset` (from 0, nothing is before):
   * the line it belongs to is skipped, so lines are taken from the first one starting at or
   * after `startOffset`. A split may then start anywhere, on a line start or not.
   */
  readonly alignToLine?: boolean;
  /** Lines starting after this byte offset are not this queue's: the queue ends before them. */
  readonly lastLineStart?: number;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 13;

/**
 * The lines of a byte stream, kept as decoded blocks (one per chunk read) and cut into line
 * strings only as they are polled, with the byte offset just after the last line polled. Lines
 * split on "\n" and lose a trailing "\r"; the last line counts even without a newline.
 *
 * Why blocks: a reader that cut every chunk into lines at once held thousands of line strings
 * until the task polled them; they outlived young-generation collections and were promoted and
 * copied for nothing (a third of IpCount's GC time), and a Buffer and a decode per line cost
 * more than one decode per chunk and a slice per line. Polled lines are taken and dropped in
 * the same turn, as a hand-written loop over the chunk would.
 */
export class LineBlockQueue {
  private readonly blocks: Block[] = [];
  private head = 0;
  /** Position in the head block's text (and, for a non-ASCII block, its bytes) of the next line. */
  private charPos = 0;
  private bytePos = 0;
  /** Bytes after the last newline read, waiting for the rest of their line (at most maxLineBytes). */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** True while the rest of an over-long line is being read and discarded. */
  private skipping = false;
  private readBytes: number;
  private consumedOffset: number;
  private queued = 0;
  private ended = false;
  private readonly lastLineStart: number;

  constructor(
    startOffset = 0,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
    /** Told of each line over maxLineBytes, which is skipped; `offset` is where it starts. */
    private readonly onOverlong: (offset: number) => void = () => undefined,
    range: LineRange = {},
  ) {
    this.lastLineStart = range.lastLineStart ?? Number.POSITIVE_INFINITY;
    this.consumedOffset = startOffset;
    // Aligning skips through the first newline, as the rest of an over-long line is skipped.
    this.skipping = range.alignToLine === true && startOffset > 0;
    this.readBytes = this.skipping ? startOffset - 1 : startOffset;
  }

  /** Bytes decoded and not yet polled (for backpressure on the byte stream). */
  get queuedBytes(): number {
    return this.queued;
  }

  get isEmpty(): boolean {
    return this.head === this.blocks.length;
  }

  /** True once `end()` was called and every line was polled. */
  get isFinished(): boolean {
    return this.ended && this.isEmpty;
  }

  /** The byte offset just after the last line polled. */
  get emittedOffset(): number {
    if (this.isEmpty) return this.consumedOffset;
    const block = this.blocks[this.head];
    return block.start + (block.bytes === undefined ? this.charPos : this.bytePos);
  }

  push(chunk: Buffer): void {
    if (this.ended) return; // past the range's last line
    const last = chunk.lastIndexOf(NEWLINE);
    if (last < 0) {
      this.hold(chunk);
      return;
    }
    let complete = chunk.subarray(0, last + 1);
    if (this.skipping) {
      // The over-long line ends at the chunk's first newline: its bytes are passed over.
      const first = chunk.indexOf(NEWLINE);
      this.readBytes += first + 1;
      this.skipping = false;
      complete = chunk.subarray(first + 1, last + 1);
      if (complete.length > 0) this.addBlock(complete);
    } else {
      this.addBlock(this.partialBytes > 0 ? Buffer.concat([...this.partial, complete]) : complete);
    }
    this.partial = [];
    this.partialBytes = 0;
    if (last + 1 < chunk.length) this.hold(chunk.subarray(last + 1));
  }

  /** The stream ended: what follows the last newline is the last line. */
  end(): void {
    if (this.ended) return;
    if (this.partialBytes > 0) this.addBlock(Buffer.concat(this.partial));
    this.partial = [];
    this.partialBytes = 0;
    this.skipping = false;
    this.ended = true;
  }

  /**
   * Keeps bytes of an unfinished line, as a list so that a long line is copied once, not once
   * per chunk; past maxLineBytes the line is dropped and the rest of it skipped as it comes.
   */
  private hold(bytes: Buffer): void {
    if (this.skipping) {
      this.readBytes += bytes.length;
      return;
    }
    this.partial.push(bytes);
    this.partialBytes += bytes.length;
    if (this.partialBytes > this.maxLineBytes) {
      this.onOverlong(this.readBytes);
      this.readBytes += this.partialBytes;
      this.partial = [];
      this.partialBytes = 0;
      this.skipping = true;
    }
  }

  /** Bytes of an unfinished line held (bounded by maxLineBytes). */
  get heldBytes(): number {
    return this.partialBytes;
  }

  /** Emits up to `max` lines; returns how many. */
  poll(output: { collect(line: string): void }, max: number): number {
    let n = 0;
    while (n < max && this.head < this.blocks.length) {
      const block = this.blocks[this.head];
      const text = block.text;
      let at = text.indexOf('\n', this.charPos);
      const terminated = at >= 0;
      if (!terminated) at = text.length;
      const end = at > this.charPos && text.charCodeAt(at - 1) === CARRIAGE_RETURN ? at - 1 : at;
      const lineStart = this.charPos;
      const lineStartByte = this.bytePos;
      const lineOffset = block.start + (block.bytes === undefined ? lineStart : lineStartByte);
      if (lineOffset > this.lastLineStart) {
        this.endAtRange(lineOffset);
        break;
      }
      this.charPos = terminated ? at + 1 : at;
      let lineBytes = end - lineStart;
      if (block.bytes !== undefined) {
        const nl = block.bytes.indexOf(NEWLINE, this.bytePos);
        this.bytePos = nl >= 0 ? nl + 1 : block.byteLength;
        lineBytes = this.bytePos - lineStartByte - (terminated ? 1 : 0) - (end < at ? 1 : 0);
      }
      if (lineBytes > this.maxLineBytes) {
        const offset = block.start + (block.bytes === undefined ? lineStart : lineStartByte);
        if (this.charPos >= text.length) this.dropHead();
        this.onOverlong(offset);
        continue;
      }
      const line = text.slice(lineStart, end);
      if (this.charPos >= text.length) this.dropHead();
      n++;
      output.collect(line);
    }
    return n;
  }

  private addBlock(bytes: Buffer): void {
    const text = bytes.toString('utf8');
    // UTF-8 never decodes to more code units than bytes: equal lengths mean one byte per
    // character, so character positions are byte positions and the bytes need not be kept.
    this.blocks.push({ text, bytes: text.length === bytes.length ? undefined : bytes, start: this.readBytes, byteLength: bytes.length });
    this.readBytes += bytes.length;
    this.queued += bytes.length;
  }

  /** The next line starts after the range: what is queued and what is still to come is not ours. */
  private endAtRange(nextLineOffset: number): void {
    this.consumedOffset = nextLineOffset;
    this.blocks.length = 0;
    this.head = 0;
    this.charPos = 0;
    this.bytePos = 0;
    this.queued = 0;
    this.partial = [];
    this.partialBytes = 0;
    this.ended = true;
  }

  private dropHead(): void {
    const block = this.blocks[this.head];
    this.consumedOffset = block.start + block.byteLength;
    this.queued -= block.byteLength;
    this.blocks[this.head++] = undefined as unknown as Block;
    this.charPos = 0;
    this.bytePos = 0;
    if (this.head === this.blocks.length) {
      this.blocks.length = 0;
      this.head = 0;
    }
  }
}
