import fs from 'fs';
import os from 'os';
import path from 'path';
import { FILE_SINK_OWNER, FileSink, PartFileTransaction } from '../../lib/connectors/sink/FileSink';
import { TwoPhaseCommitWriter } from '../../lib/connectors/sink/TwoPhaseCommitSink';

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

/** The lines a reader sees: visible part files only. */
function visibleLines(dir: string): string[] {
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

/** Records fsyncs (by path relative to `dir`) and renames, in order; `handles` counts file handles still open. */
function recordSyncsAndRenames(dir: string): { events: string[]; handles: { open: number } } {
  const events: string[] = [];
  const handles = { open: 0 };
  const realOpen = fs.promises.open.bind(fs.promises);
  jest.spyOn(fs.promises, 'open').mockImplementation(async (file, flags, mode) => {
    const handle = await realOpen(file, flags, mode);
    handles.open++;
    const realSync = handle.sync.bind(handle);
    handle.sync = async (): Promise<void> => {
      events.push(`sync ${path.relative(dir, String(file)) || '.'}`);
      return realSync();
    };
    const realClose = handle.close.bind(handle);
    handle.close = async (): Promise<void> => {
      handles.open--;
      return realClose();
    };
    return handle;
  });
  const realRename = fs.promises.rename.bind(fs.promises);
  jest.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
    events.push(`rename ${path.relative(dir, String(from))} ${path.relative(dir, String(to))}`);
    return realRename(from, to);
  });
  return { events, handles };
}

describe('FileSink', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-file-sink-'))));
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Stages `values` in a new transaction opened after `checkpointId`, pre-committed. */
  const staged = async (w: TwoPhaseCommitWriter<string, PartFileTransaction>, checkpointId: number, ...values: string[]): Promise<PartFileTransaction> => {
    const txn = w.beginTransaction(checkpointId);
    for (const v of values) w.invoke(txn, v, RECORD);
    await w.preCommit(txn);
    return txn;
  };

  it('durability: the part file is fsynced at the pre-commit, and the directory after the rename that commits it; no file handle is left open', async () => {
    const w = fileWriter(dir, 'aaaaaaaa00', 0);
    const { events, handles } = recordSyncsAndRenames(dir);
    const txn = await staged(w, 1, 'a', 'b');
    const inProgress = path.basename(txn.inProgress);
    expect(events).toEqual([`sync ${inProgress}`]);
    await w.commit(txn);
    expect(events).toEqual([`sync ${inProgress}`, `rename ${inProgress} ${path.basename(txn.final)}`, 'sync .']);
    expect(handles.open).toBe(0);
    expect(visibleLines(dir)).toEqual(['a', 'b']);
    await w.close!();
  });

  it('a pre-commit fails when an append of the transaction failed, so a part file missing lines is never committed', async () => {
    const w = fileWriter(dir, 'aaaaaaaa00', 0);
    jest.spyOn(fs.promises, 'appendFile').mockRejectedValueOnce(new Error('ENOSPC: no space left on device'));
    const txn = w.beginTransaction(1);
    w.invoke(txn, 'lost', RECORD);
    w.flush!(txn);
    w.invoke(txn, 'kept', RECORD);
    await expect(w.preCommit(txn)).rejects.toThrow('ENOSPC');
    await w.close!();
  });

  it('a commit retried after it was applied changes nothing', async () => {
    const w = fileWriter(dir, 'aaaaaaaa00', 0);
    const txn = await staged(w, 1, 'once');
    await w.commit(txn);
    await w.commit(txn);
    expect(visibleLines(dir)).toEqual(['once']);
    await w.close!();
  });

  it('a commit whose part file is gone (neither in progress nor committed) fails loudly, naming the part file', async () => {
    const w = fileWriter(dir, 'aaaaaaaa00', 0);
    const txn = await staged(w, 1, 'gone');
    fs.rmSync(txn.inProgress);
    await expect(w.commit(txn)).rejects.toThrow(`File Sink(${dir}) subtask 0: cannot commit part file ${txn.final}: ENOENT`);
    await w.close!();
  });

  it('a transaction without records leaves no file, visible or hidden', async () => {
    const w = fileWriter(dir, 'aaaaaaaa00', 0);
    const txn = await staged(w, 1);
    w.flush!(txn);
    await w.commit(txn);
    expect(fs.readdirSync(dir)).toEqual([FILE_SINK_OWNER]);
    await w.close!();
  });

  it('the orphan clean-up of a recovering run spares part files its own other subtasks already opened', async () => {
    const dead = fileWriter(dir, 'aaaaaaaa00', 0, undefined, 1);
    const orphan = await staged(dead, 3, 'orphan');
    // The restart restores checkpoint 2; subtask 1 of the new attempt happens to start first.
    const subtask1 = fileWriter(dir, 'aaaaaaaa00', 1, 2, 1);
    const own = await staged(subtask1, 2, 'new');
    const subtask0 = fileWriter(dir, 'aaaaaaaa00', 1, 2, 0);
    expect(fs.existsSync(orphan.inProgress)).toBe(false);
    expect(fs.existsSync(own.inProgress)).toBe(true);
    await subtask1.commit(own);
    expect(visibleLines(dir)).toEqual(['new']);
    await Promise.all([dead.close!(), subtask0.close!(), subtask1.close!()]);
  });

  it("a restart that restores no checkpoint deletes what earlier attempts of its job left in progress, not other jobs' files", async () => {
    const dead = fileWriter(dir, 'aaaaaaaa00', 0, undefined, 1);
    const orphan = await staged(dead, 0, 'never checkpointed');
    // Another job whose id differs from this one's in its 8th character only.
    const otherJob = fileWriter(dir, 'aaaaaaab00', 0, undefined, 0);
    const othersPending = await staged(otherJob, 4, 'pending in its checkpoint 4');
    // A fresh job (attempt 0, nothing restored) leaves every file as it is.
    fileWriter(dir, 'aaaaaaaa00', 0, undefined, 0);
    expect([fs.existsSync(orphan.inProgress), fs.existsSync(othersPending.inProgress)]).toEqual([true, true]);
    // Its restart before any checkpoint completed: attempt 0's file can never be committed.
    const restarted = fileWriter(dir, 'aaaaaaaa00', 1, undefined, 0);
    expect([fs.existsSync(orphan.inProgress), fs.existsSync(othersPending.inProgress)]).toEqual([false, true]);
    const own = await staged(restarted, 0, 'again');
    fileWriter(dir, 'aaaaaaaa00', 1, undefined, 1); // its other subtask spares it
    expect(fs.existsSync(own.inProgress)).toBe(true);
    await Promise.all([dead.close!(), otherJob.close!(), restarted.close!()]);
  });

  it('a restart takes the directory over from an earlier attempt of its job, which can then neither commit nor take it back', async () => {
    const first = fileWriter(dir, 'aaaaaaaa00', 9);
    const stale = await staged(first, 1, 'stale');
    const restarted = fileWriter(dir, 'aaaaaaaa00', 12, 1);
    await expect(first.commit(stale)).rejects.toThrow(
      `subtask 0: cannot commit part file ${stale.final}: the directory is owned by run aaaaaaaa.12, not by this run aaaaaaaa.9. ` +
        'Another instance of the job took it over (one job per FileSink directory): this run stops.',
    );
    expect(() => fileWriter(dir, 'aaaaaaaa00', 3)).toThrow(/cannot take over: the directory is owned by run aaaaaaaa.12, not by this run aaaaaaaa.3/);
    const txn = await staged(restarted, 1, 'current');
    await restarted.commit(txn);
    expect(visibleLines(dir)).toEqual(['current']);
    await Promise.all([first.close!(), restarted.close!()]);
  });

  it('a run whose owner marker is gone commits nothing, saying the directory has no owner', async () => {
    const w = fileWriter(dir, 'aaaaaaaa00', 0);
    const txn = await staged(w, 1, 'a');
    fs.rmSync(path.join(dir, FILE_SINK_OWNER));
    await expect(w.commit(txn)).rejects.toThrow('the directory is owned by run (none), not by this run aaaaaaaa.0');
    expect(visibleLines(dir)).toEqual([]);
    await w.close!();
  });

  it('an owner marker that exists but cannot be read stops a new run rather than being overwritten', () => {
    const owner = path.join(dir, FILE_SINK_OWNER);
    fs.symlinkSync(owner, owner); // a read fails (ELOOP), as on a file system that cannot read it now
    expect(() => fileWriter(dir, 'bbbbbbbb00', 0)).toThrow(/ELOOP/);
    expect(fs.readlinkSync(owner)).toBe(owner);
  });

  it('the orphan clean-up also finds part files of subtasks and checkpoints past 9', async () => {
    const dead = fileWriter(dir, 'aaaaaaaa00', 0, undefined, 11);
    const orphan = await staged(dead, 12, 'orphan');
    fileWriter(dir, 'bbbbbbbb00', 0, 10);
    expect(fs.existsSync(orphan.inProgress)).toBe(false);
    await dead.close!();
  });

  it('the orphan clean-up deletes only the hidden in-progress files the sink names, not other files that contain such a name', () => {
    const lookalikes = ['copy.part-0-5-abcdef12.aaaaaaaa.0.inprogress', '.part-0-5-abcdef12.aaaaaaaa.0.inprogress.bak'];
    for (const name of lookalikes) fs.writeFileSync(path.join(dir, name), 'kept\n');
    fileWriter(dir, 'bbbbbbbb00', 0, 3);
    expect(lookalikes.filter((name) => fs.existsSync(path.join(dir, name)))).toEqual(lookalikes);
  });

  it('writes a value that is not a string as a line of JSON', async () => {
    const w = new FileSink<{ ip: string; count: number }>(dir).createWriter({
      subtaskIndex: 0,
      parallelism: 1,
      taskName: 'sink',
      stdout: { write: () => undefined },
      stderr: { write: () => undefined },
      jobId: 'aaaaaaaa00',
      attemptNumber: 0,
      restoredCheckpointId: undefined,
    });
    const txn = w.beginTransaction(0);
    w.invoke(txn, { ip: '10.0.0.1', count: 2 }, RECORD);
    await w.preCommit(txn);
    await w.commit(txn);
    expect(visibleLines(dir)).toEqual(['{"ip":"10.0.0.1","count":2}']);
    await w.close!();
  });

  it('a closed writer refuses every operation, naming it', async () => {
    const w = fileWriter(dir, 'aaaaaaaa00', 0);
    const txn = await staged(w, 1, 'a');
    const open = w.beginTransaction(1);
    w.invoke(open, 'buffered', RECORD);
    await w.close!();
    const closed = 'the writer of run aaaaaaaa.0 is closed';
    expect(() => w.beginTransaction(2)).toThrow(`subtask 0: cannot open a transaction: ${closed}`);
    expect(() => w.invoke(open, 'late', RECORD)).toThrow(`subtask 0: cannot write: ${closed}`);
    expect(() => w.flush!(open)).toThrow(`subtask 0: cannot write: ${closed}`);
    await expect(w.commit(txn)).rejects.toThrow(`subtask 0: cannot commit: ${closed}`);
    await expect(w.abort(txn)).rejects.toThrow(`subtask 0: cannot abort: ${closed}`);
  });
});
