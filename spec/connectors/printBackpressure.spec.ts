import { EventEmitter } from 'events';
import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { OutputClosedError, StreamTextWriter } from '../../lib/connectors/sink/StreamTextWriter';
import { ExecutionState } from '../../lib/runtime/ExecutionState';
import { TaskFailure } from '../../lib/runtime/errors';
import { StreamTask } from '../../lib/runtime/StreamTask';
import { DEFAULT_TASK_CONFIG } from '../../lib/runtime/TaskConfig';
import { TaskMessage } from '../../lib/runtime/TaskMessage';
import { TextWriter } from '../../lib/runtime/StreamOperator';
import { ManualClock } from '../../lib/time/ManualClock';

const config = { ...DEFAULT_TASK_CONFIG, sourceBatchSize: 100 };

/** A writer with a buffer the test empties: `write` says false until the test drains it. */
class SlowReader implements TextWriter {
  readonly lines: string[] = [];
  full = false;
  private waiting: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];

  write(text: string): boolean {
    this.lines.push(...text.split('\n').filter((l) => l !== ''));
    return !this.full;
  }

  drained(): Promise<void> {
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  get waiters(): number {
    return this.waiting.length;
  }

  drain(): void {
    const w = this.waiting;
    this.waiting = [];
    w.forEach((x) => x.resolve());
  }

  fail(e: Error): void {
    const w = this.waiting;
    this.waiting = [];
    w.forEach((x) => x.reject(e));
  }
}

/** A source chained to print() in one task, run by hand: the test pumps its mailbox. */
function printTask(stdout: SlowReader, records: number) {
  const clock = new ManualClock(0);
  const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 1, clock });
  let generated = 0;
  env
    .fromGenerator((i) => {
      generated++;
      return i;
    }, records)
    .print();
  const vertex = env.getJobGraph().vertices[0];
  const mailbox: TaskMessage[] = [];
  const states: Array<{ state: ExecutionState; failure?: TaskFailure }> = [];
  const task = new StreamTask(
    { jobName: 'print', vertex, subtaskIndex: 0, attemptNumber: 0, config },
    { clock, stdout, stderr: { write() {} }, post: (m) => mailbox.push(m), onStateChange: (state, failure) => states.push({ state, failure }) },
  );
  task.start({ inputs: [], outputs: [] });
  /** Handles mailbox messages, and lets settled promises post theirs, until nothing moves. */
  const pump = async (): Promise<void> => {
    for (;;) {
      while (mailbox.length > 0) task.handle(mailbox.shift()!);
      await new Promise((r) => setImmediate(r));
      if (mailbox.length === 0) return;
    }
  };
  return { task, pump, states, generated: () => generated };
}

describe('print() and a slow reader of its output', () => {
  it('takes no more input while the output is full, and goes on when it drained', async () => {
    const out = new SlowReader();
    out.full = true;
    const t = printTask(out, 10_000);
    await t.pump();
    // One poll slice was printed; the writer said it is full: the source is not read further.
    expect(out.lines).toHaveLength(config.sourceBatchSize);
    expect(t.generated()).toBe(config.sourceBatchSize);
    expect(out.waiters).toBe(1);
    await t.pump();
    expect(out.lines).toHaveLength(config.sourceBatchSize);

    out.drain();
    await t.pump();
    expect(out.lines).toHaveLength(2 * config.sourceBatchSize);
    expect(t.generated()).toBe(2 * config.sourceBatchSize);

    out.full = false;
    out.drain();
    await t.pump();
    expect(out.lines).toEqual(Array.from({ length: 10_000 }, (_, i) => String(i)));
    expect(t.states.map((s) => s.state)).toContain('FINISHED');
  });

  it('fails the task, naming the sink, when the output is closed while it waits', async () => {
    const out = new SlowReader();
    out.full = true;
    const t = printTask(out, 10_000);
    await t.pump();
    out.fail(new OutputClosedError('standard output', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })));
    await t.pump();
    const failed = t.states.find((s) => s.state === 'FAILED');
    expect(failed?.failure?.message).toMatch(/Print to Std\. Out: writing: standard output was closed by its reader \(EPIPE\)/);
    expect(t.generated()).toBe(config.sourceBatchSize);
  });
});

/** What StreamTextWriter needs of a Node stream, with its buffer under the test's control. */
class FakeStream extends EventEmitter {
  writableNeedDrain = false;
  readonly written: string[] = [];
  write(text: string): boolean {
    this.written.push(text);
    return !this.writableNeedDrain;
  }
}

describe('StreamTextWriter', () => {
  it("passes the stream's backpressure on and resolves drained() on its 'drain'", async () => {
    const stream = new FakeStream();
    const writer = new StreamTextWriter(stream, 'standard output');
    expect(writer.write('a\n')).toBe(true);
    await writer.drained();
    stream.writableNeedDrain = true;
    expect(writer.write('b\n')).toBe(false);
    let drained = false;
    const waiting = writer.drained().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    stream.writableNeedDrain = false;
    stream.emit('drain');
    await waiting;
    expect(stream.written).toEqual(['a\n', 'b\n']);
  });

  it('turns EPIPE into an OutputClosedError for waiters, later writes and close listeners, instead of an unhandled error', async () => {
    const stream = new FakeStream();
    const writer = new StreamTextWriter(stream, 'standard output');
    stream.writableNeedDrain = true;
    writer.write('a\n');
    const waiting = writer.drained();
    const closed: Error[] = [];
    writer.onClose((e) => closed.push(e));
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    await expect(waiting).rejects.toThrow(OutputClosedError);
    expect(() => writer.write('b\n')).toThrow('standard output was closed by its reader (EPIPE)');
    expect(closed).toHaveLength(1);
    expect(writer.closed).toBe(true);
    const late: Error[] = [];
    writer.onClose((e) => late.push(e));
    expect(late).toHaveLength(1);
  });
});
