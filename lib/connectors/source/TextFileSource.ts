import fs from 'fs';
import { LineSplitter } from './LineSplitter';
import { QueuedLineReader } from './QueuedLineReader';
import { Source, SourceReader, SourceReaderContext } from './Source';

/** readTextFile(path): the file's lines, bounded, read as a stream and paused under backpressure. */
export class TextFileSource implements Source<string> {
  readonly boundedness = 'BOUNDED' as const;
  readonly maxSourceParallelism = 1;
  readonly name: string;

  constructor(readonly path: string) {
    this.name = `File Source(${path})`;
  }

  createReader(context: SourceReaderContext): SourceReader<string> {
    return new FileLineReader(this.path, context);
  }
}

class FileLineReader extends QueuedLineReader {
  private stream: fs.ReadStream | undefined;
  private readonly splitter = new LineSplitter('\n');

  constructor(
    private readonly path: string,
    context: SourceReaderContext,
  ) {
    super(context);
  }

  start(): void {
    const stream = fs.createReadStream(this.path, { highWaterMark: 256 * 1024 });
    this.stream = stream;
    stream.on('data', (chunk: Buffer | string) => this.splitter.push(chunk, this.enqueue));
    stream.on('end', () => {
      this.splitter.end(this.enqueue);
      this.markEnded();
    });
    stream.on('error', (err) => this.context.fail(new Error(`cannot read ${this.path}: ${err.message}`)));
  }

  protected pauseInput(): void {
    this.stream?.pause();
  }

  protected resumeInput(): void {
    this.stream?.resume();
  }

  close(): void {
    this.stream?.destroy();
  }
}
