import fs from 'fs';
import os from 'os';
import path from 'path';
import { readTextFileSplits, ReadOptions, ReadResult } from '../harness/readTextFileSplits';
import { SeededRandom } from '../../lib/util/SeededRandom';

/** What every reader of a fresh start reads, in subtask order. */
async function readAllSplits(file: string, parallelism: number, options: Omit<ReadOptions, 'splits' | 'max'> = {}): Promise<ReadResult[]> {
  const results: ReadResult[] = [];
  for (let i = 0; i < parallelism; i++) {
    const r = await readTextFileSplits(file, i, parallelism, options);
    r.reader.close();
    results.push(r);
  }
  return results;
}

/** The lines of a file as readTextFile defines them: split on \n, a trailing \r dropped, a last line without newline kept. */
function linesOf(text: string): string[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Sorted, for comparing what several readers read with the file's lines as multisets. */
function sorted(lines: readonly string[]): string[] {
  return [...lines].sort();
}

describe('readTextFile in parallel (byte ranges dealt round robin to the readers)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-splits-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads every line exactly once, each reader in file order, wherever the cuts fall', async () => {
    // Short lines, empty lines, CRLF and multi-byte characters: with every range size up to
    // past the file's size, a cut falls on every byte (line starts, newlines, inside characters).
    const text = 'ab\n\nçé\r\nx\n€€€ y\n\r\nlast';
    const file = path.join(dir, 'small.txt');
    fs.writeFileSync(file, text);
    const size = fs.statSync(file).size;
    const expected = linesOf(text);
    for (let splitBytes = 1; splitBytes <= size + 1; splitBytes++) {
      for (const p of [2, 3]) {
        const results = await readAllSplits(file, p, { splitBytes });
        expect({ splitBytes, p, lines: sorted(results.flatMap((r) => r.lines)) }).toEqual({ splitBytes, p, lines: sorted(expected) });
        for (const r of results) expect(isSubsequence(r.lines, expected)).toBe(true);
        expect(results.every((r) => r.ended)).toBe(true);
      }
    }
  });

  it('reads seeded files of many shapes exactly once at parallelism 2 to 7', async () => {
    const random = new SeededRandom(7);
    for (let f = 0; f < 12; f++) {
      const lines = Array.from({ length: 1 + random.nextInt(400) }, () => 'é€x'.repeat(random.nextInt(30)).slice(0, random.nextInt(80)));
      const text = lines.join(random.next() < 0.5 ? '\n' : '\r\n') + (random.next() < 0.5 ? '\n' : '');
      const file = path.join(dir, `f${f}.txt`);
      fs.writeFileSync(file, text);
      const splitBytes = 1 + random.nextInt(300);
      for (let p = 2; p <= 7; p++) {
        const read = (await readAllSplits(file, p, { splitBytes })).flatMap((r) => r.lines);
        expect({ f, p, splitBytes, read: sorted(read) }).toEqual({ f, p, splitBytes, read: sorted(linesOf(text)) });
      }
    }
  });

  it('gives each reader about its share, the readers side by side through the file', async () => {
    const file = path.join(dir, 'large.txt');
    const lines = Array.from({ length: 40_000 }, (_, i) => `${String(i).padStart(6, '0')} 10.0.0.${i % 256}`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const results = await readAllSplits(file, 4, { splitBytes: 16 * 1024 });
    expect(sorted(results.flatMap((r) => r.lines))).toEqual(lines);
    for (const r of results) expect(Math.abs(r.lines.length - 10_000)).toBeLessThan(1000); // 45 ranges of 16 KiB: 12, 11, 11, 11
    // Reader 3 starts in the file's fourth range, not three quarters in: readers that go at
    // the same pace read lines of about the same event time.
    expect(lines.indexOf(results[3].lines[0])).toBeLessThan(4000);
    // However small the range asked for, a reader holds at most 1024 (its checkpoint stays small).
    const tiny = await readTextFileSplits(file, 0, 4, { splitBytes: 1, max: 0 });
    const held = tiny.reader.snapshotState!(1).length;
    expect(held).toBeLessThanOrEqual(1024);
    expect(held).toBeGreaterThan(1000);
    tiny.reader.close();
  });

  it('reads a file smaller than a range with one reader, and an empty one with none', async () => {
    const file = path.join(dir, 'small.txt');
    fs.writeFileSync(file, 'a\nb\n');
    expect((await readAllSplits(file, 3)).map((r) => [r.lines, r.ended])).toEqual([
      [['a', 'b'], true],
      [[], true],
      [[], true],
    ]);
    fs.writeFileSync(file, '');
    expect((await readAllSplits(file, 2)).map((r) => [r.lines, r.ended])).toEqual([
      [[], true],
      [[], true],
    ]);
  });

  it('skips and counts an over-long line once, by the reader whose range it starts in', async () => {
    const file = path.join(dir, 'long.txt');
    fs.writeFileSync(file, `a\n${'L'.repeat(5000)}\nb\n`);
    const results = await readAllSplits(file, 3, { maxLineBytes: 100, splitBytes: 3 });
    expect(sorted(results.flatMap((r) => r.lines))).toEqual(['a', 'b']);
    expect(results.flatMap((r) => r.skipped)).toEqual([`a line longer than 100 bytes at byte 2 of ${file} (maxLineBytes)`]);
    expect(results[0].skipped).toHaveLength(1);
  });

  it('restores the checkpointed ranges on another parallelism, dealt round robin, each line once', async () => {
    const file = path.join(dir, 'rescale.txt');
    const lines = Array.from({ length: 3000 }, (_, i) => `line ${i} ${'é'.repeat(i % 4)}`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const splitBytes = 4096;
    // Three readers read part of their ranges, then the checkpoint: every reader's ranges.
    const before: string[] = [];
    const state: unknown[] = [];
    for (const [i, max] of [
      [0, 100],
      [1, 0],
      [2, 999],
    ]) {
      const r = await readTextFileSplits(file, i, 3, { max, splitBytes });
      before.push(...r.lines);
      state.push(...r.reader.snapshotState!(1));
      r.reader.close();
    }
    expect(state.length).toBeGreaterThanOrEqual(6);
    // Restored at parallelism 2, the ranges dealt round robin. Reader 0 checkpoints again inside
    // its first range: the ranges it has not started are in that checkpoint too.
    const middle: string[] = [];
    const held = await readTextFileSplits(file, 0, 2, { splits: state.filter((_, k) => k % 2 === 0), max: 50 });
    middle.push(...held.lines);
    const again = held.reader.snapshotState!(2);
    held.reader.close();
    expect(again.length).toBe(state.filter((_, k) => k % 2 === 0).length);
    const second = await readTextFileSplits(file, 1, 2, { splits: state.filter((_, k) => k % 2 === 1) });
    expect(second.ended).toBe(true);
    middle.push(...second.lines);
    second.reader.close();
    // And at parallelism 1 from there.
    const last = await readTextFileSplits(file, 0, 1, { splits: again });
    expect(last.ended).toBe(true);
    last.reader.close();
    const all = [...before, ...middle, ...last.lines];
    expect(all.length).toBe(lines.length);
    expect(sorted(all)).toEqual(sorted(lines));
  });

  it('checkpoints a finished range as read (restored, it opens no file), and a reader with no range ends at once', async () => {
    const file = path.join(dir, 'done.txt');
    fs.writeFileSync(file, 'a\nb\nc\nd\n');
    const first = await readTextFileSplits(file, 0, 2, { splitBytes: 4 });
    expect(first.lines).toEqual(['a', 'b', 'c']); // lines starting at bytes 0 to 4 (of 8)
    const state = first.reader.snapshotState!(1);
    first.reader.close();
    fs.rmSync(file); // a range read to its end needs its file no more
    const again = await readTextFileSplits(file, 0, 1, { splits: state });
    expect([again.lines, again.ended]).toEqual([[], true]);
    const none = await readTextFileSplits(file, 1, 2, { splits: [] });
    expect([none.lines, none.ended]).toEqual([[], true]);
  });
});

/** Whether `part` is `whole` with some elements left out (a reader's lines keep the file's order). */
function isSubsequence(part: readonly string[], whole: readonly string[]): boolean {
  let j = 0;
  for (const line of whole) if (j < part.length && part[j] === line) j++;
  return j === part.length;
}
