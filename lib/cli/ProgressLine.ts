import { TextWriter } from '../runtime/StreamOperator';
import { describeEventTime } from '../rest/WindowWaitDiagnosis';
import { JobDetailsBody } from '../rest/RestTypes';

/** What the progress line needs of a terminal stream (process.stderr is one). */
export interface TerminalStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

const CLEAR_LINE = '\r\x1b[2K';

/**
 * One status line at the bottom of a terminal, rewritten in place; nothing at all when the
 * stream is not a terminal (piped or redirected), so scripts only see the job's own output.
 */
export class ProgressLine {
  private current = '';

  constructor(private readonly out: TerminalStream) {}

  get enabled(): boolean {
    return this.out.isTTY === true;
  }

  show(text: string): void {
    if (!this.enabled) return;
    const width = Math.max(20, (this.out.columns ?? 80) - 1);
    const line = text.length > width ? `${text.slice(0, width - 1)}…` : text;
    this.out.write(`${CLEAR_LINE}${line}`);
    this.current = line;
  }

  clear(): void {
    if (!this.current) return;
    this.out.write(CLEAR_LINE);
    this.current = '';
  }

  /** A writer for the job's output that lifts the progress line out of the way and puts it back. */
  around(writer: TextWriter): TextWriter {
    const drained = writer.drained?.bind(writer);
    return {
      write: (text) => {
        const line = this.current;
        this.clear();
        const mayWriteMore = writer.write(text);
        if (line) this.show(line);
        return mayWriteMore;
      },
      ...(drained && { drained }),
    };
  }
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * The progress of a running job in one line: records read by its sources and their rate, the
 * job's watermark (see jobWatermark), backpressure, and how often it restarted once it did.
 */
export function progressText(job: JobDetailsBody): string {
  const withInputs = new Set(job.plan.nodes.filter((n) => (n.inputs ?? []).length > 0).map((n) => n.id));
  const sources = job.vertices.filter((v) => !withInputs.has(v.id));
  const read = sources.reduce((n, v) => n + v.metrics['write-records'], 0);
  const rates = sources.map((v) => v.metrics['write-records-per-second']).filter((r): r is number => r !== null);
  const rate = rates.length > 0 ? ` (${Math.round(rates.reduce((a, b) => a + b, 0)).toLocaleString('en-US')}/s)` : '';
  const watermark = job.watermark;
  const levels = job.vertices.map((v) => v.metrics['backpressure-level']);
  const bp = levels.includes('high') ? 'HIGH' : levels.includes('low') ? 'LOW' : levels.includes('ok') ? 'OK' : '–';
  const seconds = Math.floor(job.duration / 1000);
  const restarts = job['num-restarts'];
  const restarted = restarts > 0 ? ` | ${formatCount(restarts)} restart${restarts === 1 ? '' : 's'}` : '';
  return `${job.state} ${seconds}s | ${formatCount(read)} records read${rate} | watermark ${describeEventTime(watermark)} | backpressure ${bp}${restarted}`;
}
