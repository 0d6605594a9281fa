import fs from 'fs';
import os from 'os';
import path from 'path';
import { SourceReader, SourceReaderContext } from '../../lib/connectors/source/Source';
import { TextFileSource } from '../../lib/connectors/source/TextFileSource';
import { ManualClock } from '../../lib/time/ManualClock';
import { SeededRandom } from '../../lib/util/SeededRandom';

interface ReadResult {
  readonly lines: string[];
  readonly skipped: string[];
  readonly reader: SourceReader<string>;
  readonly ended: boolean;
}

/** Reader `subtask` of `parallelism` (or one restored with `splits`), polled until its input ends or `max` lines. */
async function read(
  file: string,
  subtask: number,
  parallelism: number,
  splits?: readonly unknown[],
  max = Number.POSITIVE_INFINITY,
  maxLineBytes?: number,
): Promise<ReadResult> {
  let wake: () => void = () => undefined;
  const skipped: string[] = [];
  const context: SourceReaderContext = {
    subtaskIndex: subtask,
    parallelism,
    clock: new ManualClock(0),
    log: Object.assign(() => undefined, { enabled: false }) as unknown as SourceReaderContext['log'],
    wakeup: () => wake(),
    fail: (e) => {
      throw e;
    },
    warn: (message) => {
      throw new Error(`unexpected warning: ${message}`);
    },
    skipRecord: (reason) => void skipped.push(reason),
    metricGroup: { gauge: () => undefined },
    restoredSplits: splits,
  };
  const reader = new TextFileSource(file, maxLineBytes).createReader(context);
  reader.start();
  const lines: string[] = [];
  const output = { collect: (l: string) => void lines.push(l) };
  let ended = false;
  while (lines.length < max) {
    const status = reader.pollNext(output, Math.min(max - lines.length, 1000));
    if (status === 'END_OF_INPUT') {
      ended = true;
      break;
    }
    if (status === 'NOTHING_AVAILABLE') await new Promise<void>((r) => (wake = r));
  }
  return { lines, skipped, reader, ended };
}

/** What every reader of a fresh start reads, in subtask order. */
async function readAllSplits(file: string, parallelism: number, maxLineBytes?: number): Promise<ReadResult[]> {
  const results: ReadResult[] = [];
  for (let i = 0; i < parallelism; i++) {
    const r = await read(file, i, parallelism, undefined, Number.POSITIVE_INFINITY, maxLineBytes);
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

describe('readTextFile in parallel (a byte range per reader)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-splits-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads every line exactly once, in file order across readers, wherever the cuts fall', async () => {
    // Short lines, empty lines, CRLF and multi-byte characters: with every parallelism up to
    // past the file's size, a cut falls on every byte (line starts, newlines, inside characters).
    const text = 'ab\n\nçé\r\nx\n€€€ y\n\r\nlast';
    const file = path.join(dir, 'small.txt');
    fs.writeFileSync(file, text);
    const size = fs.statSync(file).size;
    for (let p = 1; p <= size + 2; p++) {
      const results = await readAllSplits(file, p);
      expect({ p, lines: results.flatMap((r) => r.lines) }).toEqual({ p, lines: linesOf(text) });
      expect(results.every((r) => r.ended)).toBe(true);
    }
  });

  it('reads seeded files of many shapes exactly once at parallelism 2 to 7', async () => {
    const random = new SeededRandom(7);
    for (let f = 0; f < 12; f++) {
      const lines = Array.from({ length: 1 + random.nextInt(400) }, () => 'é€x'.repeat(random.nextInt(30)).slice(0, random.nextInt(80)));
      const text = lines.join(random.next() < 0.5 ? '\n' : '\r\n') + (random.next() < 0.5 ? '\n' : '');
      const file = path.join(dir, `f${f}.txt`);
      fs.writeFileSync(file, text);
      for (let p = 2; p <= 7; p++) {
        const read = (await readAllSplits(file, p)).flatMap((r) => r.lines);
        expect({ f, p, read }).toEqual({ f, p, read: linesOf(text) });
      }
    }
  });

  it('gives each reader about its share of a large file', async () => {
    const file = path.join(dir, 'large.txt');
    const lines = Array.from({ length: 40_000 }, (_, i) => `00:00:${String(i % 60).padStart(2, '0')} 10.0.0.${i % 256}`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const results = await readAllSplits(file, 4);
    expect(results.flatMap((r) => r.lines)).toEqual(lines);
    for (const r of results) expect(Math.abs(r.lines.length - 10_000)).toBeLessThan(10);
  });

  it('reads nothing from an empty file, at any parallelism', async () => {
    const file = path.join(dir, 'empty.txt');
    fs.writeFileSync(file, '');
    const results = await readAllSplits(file, 4);
    expect(results.map((r) => [r.lines, r.ended])).toEqual([
      [[], true],
      [[], true],
      [[], true],
      [[], true],
    ]);
  });

  it('skips and counts an over-long line once, by the reader whose range it starts in', async () => {
    const file = path.join(dir, 'long.txt');
    const long = 'L'.repeat(5000);
    fs.writeFileSync(file, `a\n${long}\nb\n`);
    const results = await readAllSplits(file, 3, 100);
    expect(results.flatMap((r) => r.lines)).toEqual(['a', 'b']);
    expect(results.flatMap((r) => r.skipped)).toEqual(['a line longer than 100 bytes at byte 2 of ' + file + ' (maxLineBytes)']);
    expect(results[0].skipped).toHaveLength(1);
  });

  it('restores the checkpointed ranges on another parallelism, dealt round robin, each line once', async () => {
    const file = path.join(dir, 'rescale.txt');
    const lines = Array.from({ length: 3000 }, (_, i) => `line ${i} ${'é'.repeat(i % 4)}`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    // Three readers read part of their range, then the checkpoint: every reader's splits.
    const before: string[] = [];
    const state: unknown[] = [];
    for (const [i, n] of [
      [0, 100],
      [1, 0],
      [2, 999],
    ]) {
      const r = await read(file, i, 3, undefined, n);
      before.push(...r.lines);
      state.push(...r.reader.snapshotState!(1));
      r.reader.close();
    }
    expect(state).toHaveLength(3);
    // Restored at parallelism 2: reader 0 takes splits 0 and 2, reader 1 split 1. Reader 0
    // checkpoints again inside its first split: the second one, not started, is in it too.
    const middle: string[] = [];
    const held = await read(file, 0, 2, [state[0], state[2]], 50);
    middle.push(...held.lines);
    const again = held.reader.snapshotState!(2);
    held.reader.close();
    expect(again).toHaveLength(2);
    const second = await read(file, 1, 2, [state[1]]);
    expect(second.ended).toBe(true);
    middle.push(...second.lines);
    second.reader.close();
    // And at parallelism 1 from there.
    const last = await read(file, 0, 1, again);
    expect(last.ended).toBe(true);
    last.reader.close();
    const all = [...before, ...middle, ...last.lines];
    expect(all.length).toBe(lines.length);
    expect(all.sort()).toEqual([...lines].sort());
  });

  it('checkpoints a finished range as read (restored, it opens no file), and a reader with no range ends at once', async () => {
    const file = path.join(dir, 'done.txt');
    fs.writeFileSync(file, 'a\nb\nc\nd\n');
    const first = await read(file, 0, 2);
    expect(first.lines).toEqual(['a', 'b', 'c']); // lines starting at bytes 0 to 4 (of 8)
    const state = first.reader.snapshotState!(1);
    first.reader.close();
    fs.rmSync(file); // a range read to its end needs its file no more
    const again = await read(file, 0, 1, state);
    expect(again.lines).toEqual([]);
    expect(again.ended).toBe(true);
    const none = await read(file, 1, 2, []);
    expect([none.lines, none.ended]).toEqual([[], true]);
  });
});
