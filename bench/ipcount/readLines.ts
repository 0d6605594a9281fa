import fs from 'fs';
import { LineSplitter } from '../../lib/connectors/source/LineSplitter';

/** Streams a file's lines to `onLine` with brook's file source settings; resolves with the count. */
export function readLines(file: string, onLine: (line: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const splitter = new LineSplitter('\n');
    let n = 0;
    const emit = (line: string): void => {
      n++;
      onLine(line);
    };
    const stream = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
    stream.on('data', (chunk) => splitter.push(chunk, emit));
    stream.on('end', () => {
      splitter.end(emit);
      resolve(n);
    });
    stream.on('error', reject);
  });
}
