import { randomUUID } from 'crypto';
import fs from 'fs';
import path from 'path';
import { syncDirectory } from '../../runtime/checkpoint/CheckpointStorage';
import { SinkContext } from './SinkFunction';
import { TransactionalSinkContext, TwoPhaseCommitSink, TwoPhaseCommitWriter } from './TwoPhaseCommitSink';

/** One part file: written hidden, made visible by the commit. */
export interface PartFileTransaction {
  /** `.part-….inprogress`: hidden (dot file) while the transaction is open or pending. */
  readonly inProgress: string;
  /** `part-<subtask>-<checkpoint>-<id>`: the visible name it gets on commit. */
  readonly final: string;
  readonly openedAt: number;
  count: number;
}

/** Names the run (job and attempt) that owns a FileSink directory; hidden, as in-progress files. */
export const FILE_SINK_OWNER = '.owner';

/**
 * Writes each checkpoint's records of a subtask to a part file in `directory` (Flink's
 * FileSink with its in-progress / pending / finished part files): lines are appended to a
 * hidden in-progress file, which is fsynced at the barrier (pre-commit) and renamed to its
 * visible name when the checkpoint completes (commit; the directory is synced after). A reader
 * listing visible files never sees uncommitted output; a commit retried after a crash finds the
 * file already renamed and does nothing.
 *
 * The directory has an owner (`.owner`): the run that took it over when it started, as
 * RedisStreamSink's prefix. A run that another one took over neither commits nor cleans up, so
 * its clean-up cannot delete a newer run's part files.
 */
export class FileSink<T> implements TwoPhaseCommitSink<T, PartFileTransaction> {
  readonly name: string;
  readonly transactional = true as const;

  constructor(
    readonly directory: string,
    private readonly format: (value: T) => string = (v) => (typeof v === 'string' ? v : JSON.stringify(v)),
  ) {
    this.name = `File Sink(${directory})`;
  }

  createWriter(context: TransactionalSinkContext): TwoPhaseCommitWriter<T, PartFileTransaction> {
    fs.mkdirSync(this.directory, { recursive: true });
    const epoch = `${context.jobId.slice(0, 8)}.${context.attemptNumber}`;
    const who = `${this.name} subtask ${context.subtaskIndex}`;
    const dir = this.directory;
    const ownerFile = path.join(dir, FILE_SINK_OWNER);
    takeOwnership(ownerFile, epoch, who);
    const checkOwner = (what: string): void => {
      const owner = readOwner(ownerFile);
      if (owner !== epoch) throw fencedOut(who, what, owner, epoch);
    };
    // Every subtask clears the orphans: the clean-up is idempotent and spares this
    // run's own files, so which subtask gets there first does not matter. The ownership just
    // taken (or refused) above is what fences an older run out of it.
    removeOrphans(dir, epoch, context.restoredCheckpointId);
    let buffer: string[] = [];
    let writes: Promise<unknown> = Promise.resolve();
    let writeError: Error | undefined;
    let closed = false;
    const checkOpen = (what: string): void => {
      if (closed) throw new Error(`${who}: cannot ${what}: the writer of run ${epoch} is closed`);
    };
    const format = this.format;
    const flush = (txn: PartFileTransaction): void => {
      if (buffer.length === 0) return;
      checkOpen('write');
      const text = buffer.join('\n') + '\n';
      txn.count += buffer.length;
      buffer = [];
      writes = writes.then(() => fs.promises.appendFile(txn.inProgress, text)).catch((e: unknown) => void (writeError ??= e as Error));
    };
    return {
      beginTransaction(checkpointId: number): PartFileTransaction {
        checkOpen('open a transaction');
        const id = randomUUID().slice(0, 8);
        return {
          inProgress: path.join(dir, `.part-${context.subtaskIndex}-${checkpointId}-${id}.${epoch}.inprogress`),
          final: path.join(dir, `part-${context.subtaskIndex}-${checkpointId}-${id}`),
          openedAt: checkpointId,
          count: 0,
        };
      },
      invoke(_txn: PartFileTransaction, value: T, _c: SinkContext): void {
        checkOpen('write');
        buffer.push(format(value));
      },
      flush,
      async preCommit(txn: PartFileTransaction): Promise<void> {
        flush(txn);
        await writes;
        if (writeError) throw writeError;
        if (txn.count === 0) return;
        const handle = await fs.promises.open(txn.inProgress, 'r+');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      },
      async commit(txn: PartFileTransaction): Promise<void> {
        checkOpen('commit');
        if (txn.count === 0) return;
        // Not atomic with the rename (a file system has no such transaction), but a run that
        // was taken over stops here rather than commit beside the new one.
        checkOwner(`commit part file ${txn.final}`);
        try {
          await fs.promises.rename(txn.inProgress, txn.final);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync(txn.final)) return; // committed before
          throw new Error(`${who}: cannot commit part file ${txn.final}: ${(e as Error).message}`);
        }
        await syncDirectory(dir);
      },
      async abort(txn: PartFileTransaction): Promise<void> {
        checkOpen('abort');
        // An append still in flight would re-create the file after the rm: let it land first.
        await writes.catch(() => undefined);
        await fs.promises.rm(txn.inProgress, { force: true });
      },
      async close(): Promise<void> {
        closed = true;
        await writes.catch(() => undefined);
      },
    };
  }
}

function readOwner(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function fencedOut(who: string, what: string, owner: string | undefined, epoch: string): Error {
  return new Error(
    `${who}: cannot ${what}: the directory is owned by run ${owner ?? '(none)'}, not by this run ${epoch}. ` +
      'Another instance of the job took it over (one job per FileSink directory): this run stops.',
  );
}

/**
 * A new run (attempt 0 of a job) takes the directory over, fencing out every earlier one; a
 * restart takes it only from an earlier attempt of its own job, never back from a job that took
 * it over in between.
 */
function takeOwnership(file: string, epoch: string, who: string): void {
  const owner = readOwner(file);
  if (owner === epoch) return;
  const [jobId, attempt] = epoch.split('.');
  const previous = owner === undefined ? undefined : /^(.*)\.(\d+)$/.exec(owner);
  if (previous && (previous[1] === jobId ? Number(previous[2]) > Number(attempt) : Number(attempt) > 0)) {
    throw fencedOut(who, 'take over', owner, epoch);
  }
  const tmp = `${file}.${randomUUID().slice(0, 8)}`;
  fs.writeFileSync(tmp, epoch);
  fs.renameSync(tmp, file);
}

/**
 * In-progress files never to be committed. With a restored checkpoint: those another run
 * opened at or after it (files opened before it are pending in it, recovery commits them).
 * Without one (a restart before any checkpoint completed): those of other attempts of this
 * job; other jobs' files are left, as a later run may still resume from their checkpoints.
 * Files of this run are its own.
 */
function removeOrphans(directory: string, epoch: string, restoredCheckpointId: number | undefined): void {
  const job = epoch.slice(0, epoch.indexOf('.') + 1);
  for (const name of fs.readdirSync(directory)) {
    const m = /^\.part-\d+-(\d+)-[0-9a-f]+\.(.+)\.inprogress$/.exec(name);
    if (!m || m[2] === epoch) continue;
    const orphan = restoredCheckpointId === undefined ? m[2].startsWith(job) : Number(m[1]) >= restoredCheckpointId;
    if (orphan) fs.rmSync(path.join(directory, name), { force: true });
  }
}
