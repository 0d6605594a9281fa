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

/**
 * Writes each checkpoint's records of a subtask to a part file in `directory` (Flink's
 * FileSink with its in-progress / pending / finished part files): lines are appended to a
 * hidden in-progress file, which is fsynced at the barrier (pre-commit) and renamed to its
 * visible name when the checkpoint completes (commit; the directory is synced after). A reader
 * listing visible files never sees uncommitted output; a commit retried after a crash finds the
 * file already renamed and does nothing.
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
    const restored = context.restoredCheckpointId;
    if (restored !== undefined && context.subtaskIndex === 0) removeOrphans(this.directory, epoch, restored);
    let buffer: string[] = [];
    let writes: Promise<unknown> = Promise.resolve();
    let writeError: Error | undefined;
    const dir = this.directory;
    const format = this.format;
    const flush = (txn: PartFileTransaction): void => {
      if (buffer.length === 0) return;
      const text = buffer.join('\n') + '\n';
      txn.count += buffer.length;
      buffer = [];
      writes = writes.then(() => fs.promises.appendFile(txn.inProgress, text)).catch((e: unknown) => void (writeError ??= e as Error));
    };
    return {
      beginTransaction(checkpointId: number): PartFileTransaction {
        const id = randomUUID().slice(0, 8);
        return {
          inProgress: path.join(dir, `.part-${context.subtaskIndex}-${checkpointId}-${id}.${epoch}.inprogress`),
          final: path.join(dir, `part-${context.subtaskIndex}-${checkpointId}-${id}`),
          openedAt: checkpointId,
          count: 0,
        };
      },
      invoke(_txn: PartFileTransaction, value: T, _c: SinkContext): void {
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
        if (txn.count === 0) return;
        try {
          await fs.promises.rename(txn.inProgress, txn.final);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync(txn.final)) return; // committed before
          throw new Error(`cannot commit part file ${txn.final}: ${(e as Error).message}`);
        }
        await syncDirectory(dir);
      },
      async abort(txn: PartFileTransaction): Promise<void> {
        // An append still in flight would re-create the file after the rm: let it land first.
        await writes.catch(() => undefined);
        await fs.promises.rm(txn.inProgress, { force: true });
      },
      async close(): Promise<void> {
        await writes.catch(() => undefined);
      },
    };
  }
}

/** In-progress files a dead run opened at or after the restored checkpoint: never to be committed. */
function removeOrphans(directory: string, epoch: string, restoredCheckpointId: number): void {
  for (const name of fs.readdirSync(directory)) {
    const m = /^\.part-\d+-(\d+)-[0-9a-f]+\.(.+)\.inprogress$/.exec(name);
    if (m && Number(m[1]) >= restoredCheckpointId && m[2] !== epoch) fs.rmSync(path.join(directory, name), { force: true });
  }
}
