import { ProgressLine, progressText } from '../../lib/cli/ProgressLine';
import { JobDetailsBody } from '../../lib/rest/RestTypes';
import { vertexSummary as vertex } from '../harness/vertexSummary';

function terminal(isTTY: boolean, columns = 60): { isTTY: boolean; columns: number; written: string[]; write(s: string): void } {
  const written: string[] = [];
  return { isTTY, columns, written, write: (s: string) => void written.push(s) };
}

describe('the progress line', () => {
  it('rewrites one line in place on a terminal and lifts it out of the way of job output', () => {
    const tty = terminal(true);
    const line = new ProgressLine(tty);
    const output: string[] = [];
    const out = line.around({ write: (s) => void output.push(s) });
    line.show('RUNNING 1s');
    out.write('1> 18:40:10 192.168.1.2 23\n');
    line.show('RUNNING 2s');
    line.clear();
    expect(output).toEqual(['1> 18:40:10 192.168.1.2 23\n']);
    expect(tty.written).toEqual(['\r\x1b[2KRUNNING 1s', '\r\x1b[2K', '\r\x1b[2KRUNNING 1s', '\r\x1b[2KRUNNING 2s', '\r\x1b[2K']);
  });

  it('cuts a line to the terminal width', () => {
    const tty = terminal(true, 21);
    new ProgressLine(tty).show('x'.repeat(40));
    expect(tty.written).toEqual([`\r\x1b[2K${'x'.repeat(19)}…`]);
  });

  it('prints nothing when the stream is not a terminal (piped)', () => {
    const piped = terminal(false);
    const line = new ProgressLine(piped);
    line.show('RUNNING 1s');
    line.around({ write: () => undefined }).write('x\n');
    line.clear();
    expect(line.enabled).toBe(false);
    expect(piped.written).toEqual([]);
  });

  it("says records read by the sources, their rate, the job's watermark, and backpressure", () => {
    const job = {
      state: 'RUNNING',
      watermark: Date.UTC(1970, 0, 1, 18, 40, 10),
      duration: 12_345,
      plan: { nodes: [{ id: '1' }, { id: '2', inputs: [{ id: '1' }] }, { id: '3', inputs: [{ id: '2' }] }] },
      vertices: [
        vertex('1', { 'write-records': 12_000, 'write-records-per-second': 98.6 }),
        vertex('2', { 'current-input-watermark': Date.UTC(1970, 0, 1, 18, 40, 15), 'backpressure-level': 'low' }),
        vertex('3', { 'current-input-watermark': Date.UTC(1970, 0, 1, 18, 40, 10) }),
      ],
    } as unknown as JobDetailsBody;
    expect(progressText(job)).toBe('RUNNING 12s | 12,000 records read (99/s) | watermark 1970-01-01T18:40:10.000Z | backpressure LOW');
    expect(progressText({ ...job, 'num-restarts': 0 })).not.toContain('restart');
    expect(progressText({ ...job, state: 'RESTARTING', 'num-restarts': 1 })).toMatch(/^RESTARTING 12s \| .* \| backpressure LOW \| 1 restart$/);
    expect(progressText({ ...job, 'num-restarts': 2 })).toMatch(/ \| backpressure LOW \| 2 restarts$/);
  });

  it('passes on what the writer says of its buffer, and waits on it', async () => {
    const line = new ProgressLine(terminal(true));
    let drains = 0;
    const out = line.around({ write: () => false, drained: async () => void drains++ });
    expect(out.write('x\n')).toBe(false);
    await out.drained?.();
    expect(drains).toBe(1);
  });
});
