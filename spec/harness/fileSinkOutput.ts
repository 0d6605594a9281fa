import fs from 'fs';
import path from 'path';

/** The committed (visible) lines of a FileSink directory, sorted: part files in progress are not read. */
export function committedLines(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith('part-'))
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n'))
    .filter((l) => l !== '')
    .sort();
}
