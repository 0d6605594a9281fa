import fs from 'fs';
import os from 'os';
import path from 'path';
import { FILE_SINK_OWNER, FileSink, PartFileTransaction } from '../../lib/connectors/sink/FileSink';
import { TwoPhaseCommitWriter } from '../../lib/connectors/sink/TwoPhaseCommitSink';
import { TextFileSource } from '../../lib/connectors/source/TextFileSource';
import { FailAfterRecords } from '../harness/FailAfterRecords';
import { CommitFailure, FailingCommitSink } from '../harness/FailingCommitSink';
import { runFinishedSubtaskRecovery } from '../harness/finishedSubtaskRecovery';
import { JobHarness } from '../harness/JobHarness';
import { readTextFileSplits, ReadResult } from '../harness/readTextFileSplits';

const LINES = Array.from({ length: 3000 }, (_, i) => `line ${i} ${'é'.repeat(i % 3)}`);

/** The lines a reader sees: visible part files only (hidden in-progress files are not output). */
function visibleLines(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => !n.startsWith('.'))
    .flatMap((n) =>
      fs
        .readFileSync(path.join(dir, n), 'utf8')
        .split('\n')
        .filter((l) => l !== ''),
    );
}

/** Hidden files besides the owner marker: in-progress part files (uncommitted output). */
function inProgressFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.startsWith('.') && n !== FILE_SINK_OWNER);
}

const RECORD = { timestamp: undefined, currentWatermark: 0, currentProcessingTime: 0 };

/** A writer of subtask `subtask` of run `jobId`/`attempt`, as the sink operator creates it. */
function fileWriter(
  dir: string,
  jobId: string,
  attempt: number,
  restoredCheckpointId?: number,
  subtask = 0,
): TwoPhaseCommitWriter<string, PartFileTransaction> {
  return new FileSink<string>(dir).createWriter({
    subtaskIndex: subtask,
    parallelism: 2,
    taskName: 'sink',
    stdout: { write: () => undefined },
    stderr: { write: () => undefined },
    jobId,
    attemptNumber: attempt,
    restoredCheckpointId,
  });
}

/** How the first attempt fails: the source task after N lines, or one sink subtask. */
interface FileJobFailure {
  readonly sourceAfterLines?: number;
  readonly sink?: { readonly subtask: number; readonly failure: CommitFailure };
}

async function runFileJob(dir: string, failure: FileJobFailure | undefined, onProgress?: (h: JobHarness) => void): Promise<number> {
  const input = path.join(dir, 'input.txt');
  fs.writeFileSync(input, LINES.join('\r\n') + '\r\n');
  const h = new JobHarness({ parallelism: 2 });
  try {
    h.env.enableCheckpointing(50);
    h.env.setRestartStrategy({ type: 'fixed-delay', attempts: 3, delayMs: 10 });
    // Ranges of 4 KiB (the file has about 40): both readers read several, one after another,
    // across checkpoints and the restart, and both sink subtasks get lines.
    const lines = h.env.fromSource(new TextFileSource(input, undefined, 4096), undefined, 'File Source');
    const sourceAfter = failure?.sourceAfterLines;
    // At the file source's parallelism: chained to it, it fails source subtask 0.
    const read = sourceAfter === undefined ? lines : lines.transform('Fail After Records', () => new FailAfterRecords<string>(sourceAfter, 0));
    const sink = new FileSink<string>(path.join(dir, 'out'));
    read.map((l) => l.toUpperCase()).sinkTo(failure?.sink ? new FailingCommitSink(sink, failure.sink.subtask, failure.sink.failure) : sink);
    await h.start();
    onProgress?.(h);
    const result = await h.result();
    return result.numRestarts ?? 0;
  } finally {
    await h.close();
  }
}

describe('file source with offsets and file sink with part files, exactly once', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-file-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('checkpoints the byte offset after the last line emitted, and a restored reader goes on from it', async () => {
    const file = path.join(dir, 'in.txt');
    fs.writeFileSync(file, 'zero\r\nun été\r\ntwo\nthree\nno newline at the end');
    const readAll = async (splits: readonly unknown[] | undefined, max: number): Promise<ReadResult> => {
      const read = await readTextFileSplits(file, 0, 1, { splits, max });
      expect(read.skipped).toEqual([]);
      return read;
    };
    const first = await readAll(undefined, 2);
    expect(first.lines).toEqual(['zero', 'un été']);
    const split = first.reader.snapshotState!(1);
    first.reader.close();
    expect(split).toEqual([{ path: file, offset: Buffer.byteLength('zero\r\nun été\r\n') }]);
    const rest = await readAll(split, 100);
    expect(rest.lines).toEqual(['two', 'three', 'no newline at the end']);
    expect(rest.reader.snapshotState!(2)).toEqual([{ path: file, offset: fs.statSync(file).size }]);
    rest.reader.close();
  });

  it.each<[string, FileJobFailure | undefined]>([
    ['without faults', undefined],
    ['when the source fails after 1000 lines', { sourceAfterLines: 1000 }],
    ['when a sink fails after 700 records', { sink: { subtask: 1, failure: { afterRecords: 700 } } }],
    ['when a sink fails after its first commit was applied', { sink: { subtask: 0, failure: { inCommit: 1, phase: 'after' } } }],
  ])('writes every line exactly once %s', async (_what, failure) => {
    const restarts = await runFileJob(dir, failure);
    expect(restarts).toBe(failure ? 1 : 0);
    expect(visibleLines(path.join(dir, 'out')).sort()).toEqual(LINES.map((l) => l.toUpperCase()).sort());
    // What never committed is gone; nothing is left in progress.
    expect(inProgressFiles(path.join(dir, 'out'))).toEqual([]);
  });

  it('shows a reader only committed part files while the job runs', async () => {
    const seen: number[] = [];
    await runFileJob(dir, undefined, (h) => {
      const out = path.join(dir, 'out');
      const poll = setInterval(() => {
        const lines = visibleLines(out);
        // Whole part files only: every visible line is an input line, none twice.
        expect(new Set(lines).size).toBe(lines.length);
        seen.push(lines.length);
        if (h.client && h.client.getJobStatus() === 'FINISHED') clearInterval(poll);
      }, 1);
      void h.client!.getJobExecutionResult().finally(() => clearInterval(poll));
    });
    expect(seen[seen.length - 1] ?? 0).toBeLessThanOrEqual(LINES.length);
    expect(visibleLines(path.join(dir, 'out'))).toHaveLength(LINES.length);
  });
});

describe('FileSink transactions', () => {
  it('abort waits for appends still in flight, so they cannot re-create the aborted file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-file-abort-'));
    // Hold every append until the test opens the gate.
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const realAppend = fs.promises.appendFile.bind(fs.promises);
    const spy = jest.spyOn(fs.promises, 'appendFile').mockImplementation(async (...args: Parameters<typeof realAppend>) => {
      await gate;
      return realAppend(...args);
    });
    try {
      const writer = new FileSink<string>(dir).createWriter({
        subtaskIndex: 0,
        parallelism: 1,
        taskName: 'sink',
        stdout: { write: () => undefined },
        stderr: { write: () => undefined },
        jobId: 'abcdef0123',
        attemptNumber: 0,
        restoredCheckpointId: undefined,
      });
      const txn = writer.beginTransaction(1);
      writer.invoke(txn, 'a line', { timestamp: undefined, currentWatermark: 0, currentProcessingTime: 0 });
      writer.flush!(txn); // an append is now in flight, held at the gate
      let aborted = false;
      const abort = writer.abort(txn).then(() => (aborted = true));
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
      expect(aborted).toBe(false); // still waiting for the append
      openGate();
      await abort;
      await writer.close!();
      expect(inProgressFiles(dir)).toEqual([]);
    } finally {
      spy.mockRestore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('FileSink recovery', () => {
  it("a subtask that finished early does not delete another subtask's pending part file on recovery", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-file-finished-'));
    try {
      const expected = await runFinishedSubtaskRecovery(new FileSink<string>(dir));
      expect(visibleLines(dir).sort()).toEqual(expected);
      expect(inProgressFiles(dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('FileSink orphan clean-up and owner', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-file-owner-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Stages `values` in a new transaction opened after `checkpointId`, pre-committed. */
  const staged = async (w: TwoPhaseCommitWriter<string, PartFileTransaction>, checkpointId: number, ...values: string[]): Promise<PartFileTransaction> => {
    const txn = w.beginTransaction(checkpointId);
    for (const v of values) w.invoke(txn, v, RECORD);
    await w.preCommit(txn);
    return txn;
  };

  it('spares part files pending in the restored checkpoint and deletes those opened at or after it', async () => {
    const dead = fileWriter(dir, 'aaaaaaaa00', 0, undefined, 1);
    const pending = await staged(dead, 1, 'pending'); // pre-committed at checkpoint 2
    const open = await staged(dead, 2, 'open'); // open when checkpoint 2 was taken
    const later = await staged(dead, 3, 'later'); // opened after a barrier whose checkpoint never completed
    // The process died; a new run restores checkpoint 2.
    const recovered = fileWriter(dir, 'bbbbbbbb00', 0, 2);
    expect(fs.existsSync(pending.inProgress)).toBe(true);
    expect(fs.existsSync(open.inProgress)).toBe(false);
    expect(fs.existsSync(later.inProgress)).toBe(false);
    await recovered.commit(pending); // recovery of the restored pending transaction
    expect(visibleLines(dir)).toEqual(['pending']);
    await recovered.close!();
  });

  it('a run that another instance took over can neither commit nor clean up', async () => {
    const old = fileWriter(dir, 'aaaaaaaa00', 0);
    const oldTxn = await staged(old, 4, 'old');
    const current = fileWriter(dir, 'bbbbbbbb00', 0, 3);
    const txn = await staged(current, 5, 'new');
    await expect(old.commit(oldTxn)).rejects.toThrow(/owned by run bbbbbbbb.0, not by this run aaaaaaaa.0/);
    // The old instance restarts, restoring checkpoint 3: it must not come back nor delete the new run's files.
    expect(() => fileWriter(dir, 'aaaaaaaa00', 1, 3)).toThrow(/cannot take over: the directory is owned by run bbbbbbbb.0/);
    expect(fs.existsSync(txn.inProgress)).toBe(true);
    await current.commit(txn);
    expect(visibleLines(dir)).toEqual(['new']);
    await Promise.all([old.close!(), current.close!()]);
  });

  it('a closed writer rejects writes', async () => {
    const w = fileWriter(dir, 'aaaaaaaa00', 0);
    const txn = w.beginTransaction(1);
    await w.close!();
    expect(() => w.invoke(txn, 'late', RECORD)).toThrow(/closed/);
    expect(() => w.beginTransaction(2)).toThrow(/closed/);
    await expect(w.abort(txn)).rejects.toThrow(/closed/);
  });
});
