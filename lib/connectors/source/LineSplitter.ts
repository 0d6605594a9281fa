import { StringDecoder } from 'string_decoder';

/**
 * Splits a byte stream into lines on a delimiter, across chunk boundaries. With the delimiter
 * "\n" a trailing "\r" is stripped (Flink's SocketTextStreamFunction does the same).
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly delimiter: string) {
    if (!delimiter) throw new Error('delimiter must not be empty');
  }

  push(chunk: Buffer | string, emit: (line: string) => void): void {
    const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    let start = 0;
    for (;;) {
      const at = text.indexOf(this.delimiter, start);
      if (at < 0) break;
      emit(this.clean(text.slice(start, at)));
      start = at + this.delimiter.length;
    }
    this.partial = text.slice(start);
  }

  /** The trailing partial line, if any (emitted at end of stream, as Flink does). */
  end(emit: (line: string) => void): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest.length > 0) emit(this.clean(rest));
  }

  private clean(line: string): string {
    return this.delimiter === '\n' && line.endsWith('\r') ? line.slice(0, -1) : line;
  }
}
