import { StringDecoder } from 'string_decoder';

/**
 * The longest line a text source keeps by default: 1 MiB. Log and CSV lines are a few hundred
 * bytes (nginx refuses request headers over 8 KiB), so a real line is far below it; a source
 * holds at most about this much of an unfinished line, and finding its end stays linear.
 */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/** Whether `s` takes more than `max` bytes in UTF-8 (each UTF-16 unit takes 1 to 3 bytes). */
function longerThan(s: string, max: number): boolean {
  if (s.length > max) return true;
  if (s.length * 3 <= max) return false;
  return Buffer.byteLength(s) > max;
}

/**
 * Splits a byte stream into lines on a delimiter, across chunk boundaries. With the delimiter
 * "\n" a trailing "\r" is stripped (Flink's SocketTextStreamFunction does the same). A line over
 * `maxLineBytes` is dropped as soon as it is known to be too long and reported to `onOverlong`;
 * the splitter then holds no more than the last few characters until the next delimiter, so a
 * line that never ends costs bounded memory.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  /** True while the rest of an over-long line is being read and discarded. */
  private skipping = false;

  constructor(
    private readonly delimiter: string,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
    private readonly onOverlong: (maxLineBytes: number) => void = () => undefined,
  ) {
    if (!delimiter) throw new Error('delimiter must not be empty');
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) throw new RangeError(`maxLineBytes must be a positive integer, got ${maxLineBytes}`);
  }

  push(chunk: Buffer | string, emit: (line: string) => void): void {
    const held = this.partial;
    const text = held + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    // The held text has no delimiter in it, except maybe one that a chunk boundary cut in two.
    let from = Math.max(0, held.length - this.delimiter.length + 1);
    let start = 0;
    for (;;) {
      const at = text.indexOf(this.delimiter, from);
      if (at < 0) break;
      if (this.skipping) {
        this.skipping = false;
      } else {
        const line = this.clean(text.slice(start, at));
        if (longerThan(line, this.maxLineBytes)) this.onOverlong(this.maxLineBytes);
        else emit(line);
      }
      start = from = at + this.delimiter.length;
    }
    let rest = text.slice(start);
    if (!this.skipping && longerThan(rest, this.maxLineBytes)) {
      this.skipping = true;
      this.onOverlong(this.maxLineBytes);
    }
    // While skipping, keep only what could be the start of a delimiter.
    if (this.skipping) rest = rest.slice(Math.max(0, rest.length - this.delimiter.length + 1));
    this.partial = rest;
  }

  /** The trailing partial line, if any (emitted at end of stream, as Flink does). */
  end(emit: (line: string) => void): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    if (rest.length === 0) return;
    if (longerThan(rest, this.maxLineBytes)) this.onOverlong(this.maxLineBytes);
    else emit(this.clean(rest));
  }

  private clean(line: string): string {
    return this.delimiter === '\n' && line.endsWith('\r') ? line.slice(0, -1) : line;
  }
}
