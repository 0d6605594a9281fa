import { encodeFrame, FrameDecoder, FrameTooLargeError } from '../../../lib/cluster/net/FrameCodec';

const batch = (n: number) => ({
  type: 'records',
  channel: 3,
  timestamps: new Float64Array([n, n + 1]),
  columns: { names: ['ip'], values: [['10.0.0.1', `10.0.0.${n}`]] },
  at: new Date(n),
  keys: new Map([['k', n]]),
});

describe('frames over a byte stream', () => {
  it('gives back a message as structured clone would: typed arrays, Dates and Maps included', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(encodeFrame(batch(7)))).toEqual([batch(7)]);
    expect(decoder.pendingBytes).toBe(0);
  });

  it('joins a frame split across chunks, at every byte', () => {
    const frame = encodeFrame(batch(1));
    for (let cut = 1; cut < frame.length; cut++) {
      const decoder = new FrameDecoder();
      expect(decoder.push(frame.subarray(0, cut))).toEqual([]);
      expect(decoder.push(frame.subarray(cut))).toEqual([batch(1)]);
    }
  });

  it('delivers a frame sent one byte per chunk', () => {
    const frame = encodeFrame({ type: 'credit', channel: 1, credit: 2 });
    const decoder = new FrameDecoder();
    const out: unknown[] = [];
    for (const byte of frame) out.push(...decoder.push(Buffer.from([byte])));
    expect(out).toEqual([{ type: 'credit', channel: 1, credit: 2 }]);
  });

  it('cuts several frames out of one chunk, in order, keeping the start of the next', () => {
    const frames = [1, 2, 3].map((n) => encodeFrame(batch(n)));
    const next = encodeFrame(batch(4));
    const decoder = new FrameDecoder();
    expect(decoder.push(Buffer.concat([...frames, next.subarray(0, 5)]))).toEqual([batch(1), batch(2), batch(3)]);
    expect(decoder.push(next.subarray(5))).toEqual([batch(4)]);
  });

  it('refuses an oversized frame from its header, before its payload arrives, and stays failed', () => {
    const decoder = new FrameDecoder(1024);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(1025, 0);
    expect(() => decoder.push(header)).toThrow(new FrameTooLargeError(1025, 1024));
    expect(() => decoder.push(header)).toThrow('a frame of 1025 bytes exceeds the maximum frame size of 1024 bytes');
  });

  it('accepts a frame of exactly the maximum size', () => {
    const frame = encodeFrame('x'.repeat(100));
    const size = frame.length - 4;
    expect(new FrameDecoder(size).push(frame)).toEqual(['x'.repeat(100)]);
  });

  it('refuses to encode a message larger than the maximum', () => {
    expect(() => encodeFrame('x'.repeat(2000), 1024)).toThrow(FrameTooLargeError);
  });
});
