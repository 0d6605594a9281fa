import { once } from 'events';
import { mkdtempSync, writeFileSync } from 'fs';
import net from 'net';
import { tmpdir } from 'os';
import path from 'path';
import { CollectSink } from '../../lib/connectors/sink/CollectSink';
import { LineSplitter } from '../../lib/connectors/source/LineSplitter';
import { JobHarness, runBoundedJob } from '../harness/JobHarness';

describe('LineSplitter', () => {
  it('splits across chunks, strips a trailing \\r for "\\n", keeps the trailing partial line for the end', () => {
    const lines: string[] = [];
    const s = new LineSplitter('\n');
    s.push(Buffer.from('a\r\nb'), (l) => lines.push(l));
    s.push(Buffer.from('c\n\nd'), (l) => lines.push(l));
    expect(lines).toEqual(['a', 'bc', '']);
    s.end((l) => lines.push(l));
    expect(lines).toEqual(['a', 'bc', '', 'd']);
  });

  it('splits on a multi-character delimiter and does not strip \\r then', () => {
    const lines: string[] = [];
    const s = new LineSplitter('||');
    s.push('x\r||y|', (l) => lines.push(l));
    s.push('|z', (l) => lines.push(l));
    s.end((l) => lines.push(l));
    expect(lines).toEqual(['x\r', 'y', 'z']);
  });

  it('decodes UTF-8 split across chunks', () => {
    const lines: string[] = [];
    const s = new LineSplitter('\n');
    const bytes = Buffer.from('héllo\n');
    s.push(bytes.subarray(0, 2), (l) => lines.push(l));
    s.push(bytes.subarray(2), (l) => lines.push(l));
    expect(lines).toEqual(['héllo']);
  });
});

/** A one-shot TCP server on a free port: each connection gets the next payload, then is closed. */
async function serve(payloads: string[]): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server = net.createServer((socket) => {
    const payload = payloads[n++] ?? '';
    socket.end(payload);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => n,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('socketTextStream', () => {
  it('reads lines until the server closes the connection, then ends (maxRetry 0)', async () => {
    const server = await serve(['one\r\ntwo\nthree']);
    const sink = new CollectSink<string>();
    const { result } = await runBoundedJob((env) => void env.socketTextStream('127.0.0.1', server.port).sinkTo(sink), { parallelism: 1 });
    expect(sink.values).toEqual(['one', 'two', 'three']);
    expect(result.vertices[0].name).toBe('Source: Socket Stream -> Sink: Collect Sink');
    expect(server.connections()).toBe(1);
    await server.close();
  });

  it('reconnects after 500 ms (on the job clock) while attempts < maxRetry', async () => {
    const server = await serve(['a\n', 'b\n', 'c\n']);
    const h = new JobHarness({ parallelism: 1 });
    const sink = new CollectSink<string>();
    h.env.socketTextStream('127.0.0.1', server.port, '\n', 3).sinkTo(sink);
    await h.start();
    // Real socket I/O happens between event-loop turns: wait for it by condition, never by time.
    const waitFor = async (cond: () => boolean): Promise<void> => {
      while (!cond()) await new Promise((r) => setImmediate(r));
    };
    await waitFor(() => h.clock.pendingTimers() === 1); // the server closed: a retry is scheduled
    await h.settle();
    expect(sink.values).toEqual(['a']);
    await h.advance(499);
    expect(server.connections()).toBe(1);
    await h.advance(1);
    await waitFor(() => server.connections() === 2 && h.clock.pendingTimers() === 1);
    await h.advance(500);
    await waitFor(() => server.connections() === 3);
    const result = await h.result();
    expect(sink.values).toEqual(['a', 'b', 'c']);
    expect(server.connections()).toBe(3); // the third close ends the stream: attempt 3 is not < 3
    expect(result.jobName).toBe('test job');
    await h.close();
    await server.close();
  });
});

describe('bounded sources', () => {
  it('readTextFile reads every line of a file', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'brook-')), 'in.txt');
    writeFileSync(file, Array.from({ length: 10_000 }, (_, i) => `line ${i}`).join('\n'));
    const sink = new CollectSink<string>();
    await runBoundedJob((env) => void env.readTextFile(file).sinkTo(sink), { parallelism: 1 });
    expect(sink.values).toHaveLength(10_000);
    expect(sink.values[9999]).toBe('line 9999');
  });

  it('fromSequence produces every number exactly once at any parallelism', async () => {
    for (const p of [1, 3]) {
      const sink = new CollectSink<number>();
      await runBoundedJob((env) => void env.fromSequence(1, 1000).sinkTo(sink), { parallelism: p });
      expect([...sink.values].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
      expect(new Set(sink.records.map((r) => r.subtaskIndex)).size).toBe(p);
    }
  });

  it('fromGenerator limits its rate on the job clock', async () => {
    const h = new JobHarness({ parallelism: 1 });
    const sink = new CollectSink<number>();
    h.env.fromGenerator((i) => i, 50, { recordsPerSecond: 10 }).sinkTo(sink);
    await h.start();
    await h.advance(1000);
    expect(sink.values.length).toBeGreaterThanOrEqual(10);
    expect(sink.values.length).toBeLessThanOrEqual(11);
    await h.advance(2000);
    expect(sink.values.length).toBeGreaterThanOrEqual(30);
    expect(sink.values.length).toBeLessThanOrEqual(31);
    await h.result();
    expect(sink.values).toEqual(Array.from({ length: 50 }, (_, i) => i));
    await h.close();
  });

  it('executeAndCollect returns a bounded stream', async () => {
    const h = new JobHarness({ parallelism: 2 });
    const values = h.env
      .fromElements(3, 1, 2)
      .map((x) => x * 10)
      .executeAndCollect();
    await h.settle(); // bounded: end of input flushes every batch, no clock needed
    expect((await values).sort()).toEqual([10, 20, 30]);
    await h.close();
  });
});

describe('LineSplitter with a maximum line length', () => {
  it('skips and reports an over-long line while holding bounded memory, then emits the next line', () => {
    const lines: string[] = [];
    const overlong: number[] = [];
    const s = new LineSplitter('\n', 1024, (max) => overlong.push(max));
    s.push('first\n', (l) => lines.push(l));
    const chunk = 'x'.repeat(64 * 1024);
    let mostHeld = 0;
    for (let i = 0; i < 64; i++) {
      // 4 MiB of one line: the splitter must not hold it.
      s.push(Buffer.from(chunk), (l) => lines.push(l));
      mostHeld = Math.max(mostHeld, (s as unknown as { partial: string }).partial.length);
    }
    s.push('xx\nnext\nshort', (l) => lines.push(l));
    s.end((l) => lines.push(l));
    expect(lines).toEqual(['first', 'next', 'short']);
    expect(overlong).toEqual([1024]);
    expect(mostHeld).toBeLessThanOrEqual(1024 + chunk.length);
  });

  it('skips an over-long line that arrives whole in one chunk, and one at the end, with a multi-character delimiter', () => {
    const lines: string[] = [];
    let overlong = 0;
    const s = new LineSplitter('||', 4, () => overlong++);
    s.push('ok||toolong|', (l) => lines.push(l));
    s.push('|fine||tail-too-long', (l) => lines.push(l));
    s.end((l) => lines.push(l));
    expect(lines).toEqual(['ok', 'fine']);
    expect(overlong).toBe(2);
  });
});

describe('socketTextStream with an over-long line', () => {
  it('skips it, counts it as a malformed record, says so on stderr and emits the next line', async () => {
    const server = await serve([`before\n${'x'.repeat(3 * 1024 * 1024)}\nafter\n`]);
    const sink = new CollectSink<string>();
    const { result, stderr } = await runBoundedJob((env) => void env.socketTextStream('127.0.0.1', server.port, '\n', 0, 1024).sinkTo(sink), {
      parallelism: 1,
    });
    expect(sink.values).toEqual(['before', 'after']);
    expect(result.vertices.reduce((n, v) => n + v.numRecordsSkipped, 0)).toBe(1);
    expect(stderr.join('\n')).toContain(`Socket Stream (subtask 0): skipped a line longer than 1024 bytes from 127.0.0.1:${server.port} (maxLineBytes)`);
    await server.close();
  });
});

describe('readTextFile with an over-long line', () => {
  it('skips it, counts it as a malformed record, says where on stderr and emits the next line', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'brook-')), 'long.txt');
    writeFileSync(file, `before\n${'x'.repeat(3 * 1024 * 1024)}\nafter`);
    const sink = new CollectSink<string>();
    const { result, stderr } = await runBoundedJob((env) => void env.readTextFile(file, 1024).sinkTo(sink), { parallelism: 1 });
    expect(sink.values).toEqual(['before', 'after']);
    expect(result.vertices.reduce((n, v) => n + v.numRecordsSkipped, 0)).toBe(1);
    expect(stderr.join('\n')).toContain(`skipped a line longer than 1024 bytes at byte 7 of ${file} (maxLineBytes)`);
  });
});
