import fc from 'fast-check';
import { LineBlockQueue } from '../../lib/connectors/source/LineBlockQueue';

/** What the file source must produce: each line decoded on its own, and the offset after it. */
function reference(bytes: Buffer, start = 0): Array<{ line: string; offset: number }> {
  const out: Array<{ line: string; offset: number }> = [];
  let from = 0;
  for (;;) {
    const nl = bytes.indexOf(0x0a, from);
    const end = nl < 0 ? bytes.length : nl;
    if (nl < 0 && end === from) break;
    let line = bytes.subarray(from, end).toString('utf8');
    if (line.endsWith('\r')) line = line.slice(0, -1);
    out.push({ line, offset: start + (nl < 0 ? bytes.length : nl + 1) });
    if (nl < 0) break;
    from = nl + 1;
  }
  return out;
}

/** Pushes `bytes` in the given chunk sizes, polling `pollSize` lines whenever lines are queued. */
function drain(bytes: Buffer, chunkSizes: number[], pollSize: number, start = 0): Array<{ line: string; offset: number }> {
  const q = new LineBlockQueue(start);
  const out: Array<{ line: string; offset: number }> = [];
  const take = (): void => {
    while (!q.isEmpty) {
      const lines: string[] = [];
      q.poll({ collect: (l) => void lines.push(l) }, pollSize);
      // The offset is checked after each line: poll one at a time from the batch's start.
      for (const line of lines) out.push({ line, offset: -1 });
      out[out.length - 1].offset = q.emittedOffset;
    }
  };
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = Math.max(1, chunkSizes[i % chunkSizes.length]);
    q.push(bytes.subarray(at, at + size));
    at += size;
    take();
  }
  q.end();
  take();
  expect(q.isFinished).toBe(true);
  return out;
}

const piece = fc.constantFrom('a', 'line', '', ' ', '\r', '\n', '\r\n', 'é', 'été', '😀', '\u{10FFFF}', '中文');
const invalid = fc.constantFrom(Buffer.from([0xff]), Buffer.from([0xe2, 0x82]), Buffer.from([0xc3]), Buffer.from([0x80, 0x80]));
const content = fc
  .array(fc.oneof({ weight: 5, arbitrary: piece.map((s) => Buffer.from(s, 'utf8')) }, { weight: 1, arbitrary: invalid }), { maxLength: 60 })
  .map((parts) => Buffer.concat(parts));

describe('LineBlockQueue (the file source cuts lines as they are polled)', () => {
  it('gives the lines of "\\n"-separated bytes without a trailing "\\r", the last line without newline too', () => {
    const q = new LineBlockQueue();
    q.push(Buffer.from('zero\r\nun été\r\ntw'));
    q.push(Buffer.from('o\n\nthree\nno newline at the end'));
    const lines: string[] = [];
    q.poll({ collect: (l) => void lines.push(l) }, 100);
    expect(lines).toEqual(['zero', 'un été', 'two', '', 'three']);
    q.end();
    q.poll({ collect: (l) => void lines.push(l) }, 100);
    expect(lines).toEqual(['zero', 'un été', 'two', '', 'three', 'no newline at the end']);
    expect(q.isFinished).toBe(true);
  });

  it('counts byte offsets after the last line polled, multi-byte characters included', () => {
    const text = 'un été\nx\n';
    const q = new LineBlockQueue(100);
    q.push(Buffer.from(text));
    expect(q.emittedOffset).toBe(100);
    q.poll({ collect: () => undefined }, 1);
    expect(q.emittedOffset).toBe(100 + Buffer.byteLength('un été\n'));
    q.poll({ collect: () => undefined }, 1);
    expect(q.emittedOffset).toBe(100 + Buffer.byteLength(text));
  });

  it('polls at most the number of lines asked for, and holds its decoded bytes until polled', () => {
    const q = new LineBlockQueue();
    q.push(Buffer.from('a\nb\nc\n'));
    expect(q.queuedBytes).toBe(6);
    const lines: string[] = [];
    expect(q.poll({ collect: (l) => void lines.push(l) }, 2)).toBe(2);
    expect(lines).toEqual(['a', 'b']);
    expect(q.queuedBytes).toBe(6);
    q.poll({ collect: (l) => void lines.push(l) }, 2);
    expect(q.queuedBytes).toBe(0);
    expect(q.isEmpty).toBe(true);
    expect(q.isFinished).toBe(false);
  });

  it('agrees with decoding each line alone, for any bytes (invalid UTF-8 too), chunking and poll size', () => {
    fc.assert(
      fc.property(
        content,
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.nat(1000),
        (bytes, chunks, pollSize, start) => {
          const got = drain(bytes, chunks, pollSize, start);
          const want = reference(bytes, start);
          expect(got.map((x) => x.line)).toEqual(want.map((x) => x.line));
          // After each poll, the offset is the one after the last line it emitted.
          got.forEach((x, i) => {
            if (x.offset >= 0) expect(x.offset).toBe(want[i].offset);
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('LineBlockQueue with a maximum line length', () => {
  it('holds at most maxLineBytes of a line without newline, skips it and emits the next line', () => {
    const skippedAt: number[] = [];
    const q = new LineBlockQueue(0, 1024, (offset) => void skippedAt.push(offset));
    q.push(Buffer.from('first\n'));
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let mostHeld = 0;
    for (let i = 0; i < 64; i++) {
      // 4 MiB of one line.
      q.push(chunk);
      mostHeld = Math.max(mostHeld, q.heldBytes + q.queuedBytes);
    }
    q.push(Buffer.from('x\nnext\n'));
    q.end();
    const lines: string[] = [];
    q.poll({ collect: (l) => void lines.push(l) }, 100);
    expect(lines).toEqual(['first', 'next']);
    expect(skippedAt).toEqual([6]);
    expect(mostHeld).toBeLessThanOrEqual(1024 + chunk.length);
    expect(q.emittedOffset).toBe(6 + 4 * 1024 * 1024 + 2 + 5);
  });

  it('skips an over-long line inside one chunk (multi-byte characters counted as bytes) and at the end', () => {
    const skippedAt: number[] = [];
    const q = new LineBlockQueue(0, 4, (offset) => void skippedAt.push(offset));
    q.push(Buffer.from('ok\r\néééé\r\nfour\nlonger-at-the-end'));
    q.end();
    const lines: string[] = [];
    q.poll({ collect: (l) => void lines.push(l) }, 100);
    expect(lines).toEqual(['ok', 'four']);
    // The unterminated tail is known too long as it arrives; the whole line when it is polled.
    expect(skippedAt).toEqual([19, 4]);
  });
});
