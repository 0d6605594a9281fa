import { randomUUID } from 'crypto';
import createDebug from 'debug';
import { createClient, ErrorReply, WatchError } from 'redis';
import { SinkContext } from '../sink/SinkFunction';
import { TransactionalSinkContext, TwoPhaseCommitSink, TwoPhaseCommitWriter } from '../sink/TwoPhaseCommitSink';

const log = createDebug('brook:redis');

export interface RedisStreamSinkOptions<T> {
  /** redis://host:port */
  readonly url: string;
  /** The stream results are appended to (XADD). */
  readonly stream: string;
  /** A record's fields; default: strings as { line }, anything else as { value: JSON }. */
  readonly serialize?: (value: T) => Record<string, string>;
  /**
   * Prefix of the keys this sink keeps its transactions under (default `brook:2pc:<stream>`).
   * One prefix per job writing to the stream.
   */
  readonly transactionPrefix?: string;
  /** How long connecting may take before Redis counts as unreachable (default 5000 ms). */
  readonly connectTimeoutMs?: number;
}

/** A transaction: the list its entries are staged in until the commit. */
export interface RedisTransaction {
  readonly id: string;
  readonly stagingKey: string;
  /** The barrier after which it was opened (0 before the first). */
  readonly openedAt: number;
  /** Entries staged (final once pre-committed). */
  count: number;
}

/**
 * Appends records to a Redis stream exactly once, with a two-phase commit tied to checkpoints.
 * Records of the open transaction are staged in a list of their own (RPUSH, once per batch);
 * pre-commit waits until Redis has them; the commit moves them into the stream atomically:
 * WATCH the staging list, read it, then MULTI · XADD each entry · DEL the list · EXEC. A commit
 * that finds its list gone was applied before (a retry after a crash): the list disappears in
 * the same EXEC as the entries appear. Unless the transaction was aborted: every abort and
 * clean-up records the transactions it deleted (`<prefix>:aborted`, in the same EXEC), so a
 * commit of a deleted transaction fails the job rather than lose its entries silently. (Unlike
 * a record of every commit, this stays small, and it holds for a transaction that stays pending
 * for good in the state of a subtask that finished early.)
 *
 * The prefix has an owner, `<prefix>:owner`: the run (job id and attempt) that took it over
 * when it started. Every commit and clean-up checks the owner in the same EXEC, so a run that
 * was taken over (an older instance still alive) can neither commit nor delete anything.
 * Transactions opened after the checkpoint a job restores from are found in a registry hash
 * and deleted.
 *
 * The connections never reconnect by themselves: connecting is bounded, and a lost connection
 * fails what was waiting on it (a write, a commit, an abort) with an error naming the URL and
 * the stream. The job's restart strategy then decides when to try again; a commit that did not
 * reach Redis stays pending in the checkpoint, and the next attempt's recovery commits it.
 */
export class RedisStreamSink<T> implements TwoPhaseCommitSink<T, RedisTransaction> {
  readonly name: string;
  readonly transactional = true as const;

  constructor(private readonly options: RedisStreamSinkOptions<T>) {
    this.name = `Redis Stream(${options.stream})`;
  }

  createWriter(context: TransactionalSinkContext): TwoPhaseCommitWriter<T, RedisTransaction> {
    return new RedisStreamWriter<T>(this.options, context);
  }
}

type Client = ReturnType<typeof createClient>;

/** A failure whose message already says what happened; reported as it is. */
class SinkFailure extends Error {}

/** A run of a job: its transactions are tagged with it, and it owns the prefix while it runs. */
interface Run {
  readonly jobId: string;
  readonly attempt: number;
}

function formatRun(run: Run): string {
  return `${run.jobId}/${run.attempt}`;
}

function parseRun(text: string): Run | undefined {
  const m = /^(.*)\/(\d+)$/.exec(text);
  return m ? { jobId: m[1], attempt: Number(m[2]) } : undefined;
}

class RedisStreamWriter<T> implements TwoPhaseCommitWriter<T, RedisTransaction> {
  private readonly client: Client;
  /** WATCH needs a connection of its own: nothing else may run between WATCH and EXEC. */
  private readonly commitClient: Client;
  /** Connected, owner of the prefix, orphans cleared: writes and commits wait for it. */
  private readonly ready: Promise<void>;
  private readonly prefix: string;
  private readonly registry: string;
  private readonly ownerKey: string;
  /** Transactions deleted without a commit (aborted, or cleaned up as orphans): id → run|openedAt. */
  private readonly abortedKey: string;
  private readonly run: Run;
  private readonly epoch: string;
  private buffer: string[] = [];
  private lastWrite: Promise<unknown> = Promise.resolve();
  private writeError: Error | undefined;
  private closed = false;
  /** Whether the loss of Redis was printed: once per writer is enough to say why the job fails over. */
  private lossReported = false;
  private readonly serialize: (value: T) => Record<string, string>;

  constructor(
    private readonly options: RedisStreamSinkOptions<T>,
    private readonly context: TransactionalSinkContext,
  ) {
    this.prefix = options.transactionPrefix ?? `brook:2pc:${options.stream}`;
    this.registry = `${this.prefix}:txns`;
    this.ownerKey = `${this.prefix}:owner`;
    this.run = { jobId: context.jobId, attempt: context.attemptNumber };
    this.epoch = formatRun(this.run);
    this.abortedKey = `${this.prefix}:aborted`;
    this.serialize = options.serialize ?? ((v: T): Record<string, string> => (typeof v === 'string' ? { line: v } : { value: JSON.stringify(v) }));
    this.client = createClient({
      url: options.url,
      // Bounded connect, no reconnecting behind the job's back: otherwise a command waits, queued,
      // until Redis is back, and an abort during a failover holds the restart for as long.
      socket: { connectTimeout: options.connectTimeoutMs ?? 5000, reconnectStrategy: false },
    });
    this.commitClient = this.client.duplicate();
    for (const c of [this.client, this.commitClient]) c.on('error', (e: Error) => log('sink connection to %s: %s', options.url, e.message));
    this.ready = Promise.all([this.client.connect(), this.commitClient.connect()])
      .catch((e: unknown) => {
        throw this.reportLoss(new SinkFailure(`${this.describe()} cannot connect to ${options.url}: ${(e as Error).message}`));
      })
      .then(() => this.takeOwnership())
      // One subtask clears what earlier runs left that no restorable checkpoint holds.
      .then(() => (context.subtaskIndex === 0 ? this.abortOrphans(context.restoredCheckpointId) : undefined))
      .catch((e: unknown) => {
        throw this.unreachable(e, 'start');
      });
    this.ready.catch(() => undefined); // reported by the first write or commit that waits for it
  }

  beginTransaction(checkpointId: number): RedisTransaction {
    this.checkOpen('open a transaction');
    const id = randomUUID();
    return { id, stagingKey: `${this.prefix}:txn:${id}`, openedAt: checkpointId, count: 0 };
  }

  invoke(txn: RedisTransaction, value: T, _context: SinkContext): void {
    this.checkOpen('write');
    this.buffer.push(JSON.stringify(this.serialize(value)));
  }

  flush(txn: RedisTransaction): void {
    if (this.buffer.length === 0) return;
    this.checkOpen('write');
    const entries = this.buffer;
    this.buffer = [];
    const first = txn.count === 0;
    txn.count += entries.length;
    this.chain(async () => {
      try {
        // Registered before its first entry, so a crash never leaves an unregistered list behind.
        if (first) await this.client.hSet(this.registry, txn.id, `${this.epoch}|${txn.openedAt}|${txn.stagingKey}`);
        await this.client.rPush(txn.stagingKey, entries);
      } catch (e) {
        throw this.unreachable(e, `stage entries of transaction ${txn.id}`);
      }
    });
  }

  async preCommit(txn: RedisTransaction): Promise<void> {
    this.flush(txn);
    await this.lastWrite;
    if (this.writeError) throw this.writeError;
  }

  async commit(txn: RedisTransaction): Promise<void> {
    this.checkOpen('commit');
    if (txn.count === 0) return;
    await this.ready;
    try {
      await this.commitOnce(txn);
    } catch (e) {
      // Not committed: the transaction stays pending in the checkpoint, for recovery to commit.
      throw this.unreachable(e, `commit transaction ${txn.id}`);
    }
  }

  private async commitOnce(txn: RedisTransaction): Promise<void> {
    const c = this.commitClient;
    for (;;) {
      // The stream is watched too: its type is checked before MULTI, which does not roll back, so
      // an XADD refused for a key of another type would still let the DEL of the staging list run
      // and the entries would be lost.
      await c.watch([txn.stagingKey, this.ownerKey, this.abortedKey, this.options.stream]);
      const [owner, staged, aborted, streamType] = await Promise.all([
        c.get(this.ownerKey),
        c.lRange(txn.stagingKey, 0, -1),
        c.hGet(this.abortedKey, txn.id),
        c.type(this.options.stream),
      ]);
      if (owner !== this.epoch) {
        await c.unwatch();
        throw this.fencedOut(owner, `commit transaction ${txn.id}`);
      }
      if (aborted != null) {
        await c.unwatch();
        throw new SinkFailure(
          `${this.name()}: cannot commit transaction ${txn.id} (${txn.count} entries, opened after checkpoint ${txn.openedAt}): ` +
            `it was aborted (by run ${aborted.split('|')[0]}) and its staging list ${txn.stagingKey} deleted: its entries are lost`,
        );
      }
      if (staged.length === 0) {
        await c.unwatch();
        log('commit of %s (%d entries): staging list empty, taken as committed before', txn.id, txn.count);
        return; // committed before (a retry after a crash)
      }
      if (staged.length !== txn.count) {
        await c.unwatch();
        throw new SinkFailure(`${this.name()}: transaction ${txn.id} has ${staged.length} staged entries in ${txn.stagingKey}, expected ${txn.count}`);
      }
      if (streamType !== 'stream' && streamType !== 'none') {
        await c.unwatch();
        throw new SinkFailure(
          `${this.name()}: cannot commit transaction ${txn.id}: the key ${this.options.stream} holds a ${streamType}, not a stream; ` +
            `its ${staged.length} entries stay in ${txn.stagingKey} until the key is a stream (or deleted) and a restart commits them`,
        );
      }
      const multi = c.multi();
      for (const fields of staged) multi.xAdd(this.options.stream, '*', JSON.parse(fields) as Record<string, string>);
      multi.del(txn.stagingKey);
      multi.hDel(this.registry, txn.id);
      try {
        await multi.exec();
        return;
      } catch (e) {
        if (e instanceof WatchError) continue; // the list, the owner or the aborted set changed under us: read again
        throw e;
      }
    }
  }

  async abort(txn: RedisTransaction): Promise<void> {
    this.checkOpen('abort');
    // An RPUSH still in flight would re-create the list after the DEL: let it land first.
    await this.lastWrite.catch(() => undefined);
    await this.ready;
    try {
      await this.client.multi().del(txn.stagingKey).hDel(this.registry, txn.id).hSet(this.abortedKey, txn.id, `${this.epoch}|${txn.openedAt}`).exec();
    } catch (e) {
      // The staging list stays, registered under this run: the next run's orphan clean-up
      // deletes it (it was opened at or after any checkpoint that run can restore, and a run
      // that restores none clears every earlier attempt's transactions).
      throw this.unreachable(e, `abort transaction ${txn.id}`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.lastWrite.catch(() => undefined);
    await this.ready.catch(() => undefined);
    for (const c of [this.client, this.commitClient]) if (c.isOpen) c.destroy();
  }

  private name(): string {
    return `Redis Stream(${this.options.stream}) subtask ${this.context.subtaskIndex}`;
  }

  private describe(): string {
    return `Redis sink of stream '${this.options.stream}' (subtask ${this.context.subtaskIndex})`;
  }

  /**
   * A failure of a command: a reply of Redis (or one of this writer's own errors) as it is; a
   * connection that went away (no reconnecting) as the loss it is, naming the URL and the stream.
   */
  private unreachable(e: unknown, what: string): Error {
    const error = e instanceof Error ? e : new Error(String(e));
    if (error instanceof ErrorReply || error instanceof SinkFailure) return error;
    return this.reportLoss(new SinkFailure(`${this.describe()} lost its connection to ${this.options.url}: cannot ${what}: ${error.message}`));
  }

  private reportLoss(error: Error): Error {
    if (!this.lossReported) {
      this.lossReported = true;
      this.context.stderr.write(`${error.message}; the sink fails (the job restarts if its restart strategy allows)\n`);
    }
    return error;
  }

  private checkOpen(what: string): void {
    if (this.closed) throw new SinkFailure(`${this.name()}: cannot ${what}: the writer of run ${this.epoch} is closed`);
  }

  private fencedOut(owner: string | null, what: string): Error {
    return new SinkFailure(
      `${this.name()}: cannot ${what}: the transaction prefix ${this.prefix} is owned by run ${owner ?? '(none)'}, not by this run ${this.epoch}. ` +
        'Another instance of the job took over (one job per transaction prefix): this run stops.',
    );
  }

  /**
   * A new run takes the prefix over, fencing out every earlier one. A restart (attempt > 0)
   * takes it only from an earlier attempt of its own job: if another job took it in between,
   * that job is the newer instance and this one must not come back.
   */
  private async takeOwnership(): Promise<void> {
    const c = this.commitClient;
    for (;;) {
      await c.watch(this.ownerKey);
      const owner = await c.get(this.ownerKey);
      if (owner === this.epoch) {
        await c.unwatch();
        return;
      }
      const previous = owner === null ? undefined : parseRun(owner);
      if (this.run.attempt > 0 && previous !== undefined && previous.jobId !== this.run.jobId) {
        await c.unwatch();
        throw this.fencedOut(owner, 'take over');
      }
      if (previous !== undefined && previous.jobId === this.run.jobId && previous.attempt > this.run.attempt) {
        await c.unwatch();
        throw this.fencedOut(owner, 'take over');
      }
      try {
        await c.multi().set(this.ownerKey, this.epoch).exec();
        if (owner !== null) log('%s took over %s from run %s', this.epoch, this.prefix, owner);
        return;
      } catch (e) {
        if (!(e instanceof WatchError)) throw e;
      }
    }
  }

  /**
   * Deletes, while this run owns the prefix, what no checkpoint this run can restore holds: with
   * a restored checkpoint, what other runs opened at or after it (what they opened before is
   * pending in it, committed by recovery); without one, what earlier attempts of this job left
   * (a restart before any checkpoint completed). A fresh job that restores nothing leaves other
   * jobs' transactions alone: a later run may still resume from their checkpoints.
   */
  private async abortOrphans(restoredCheckpointId: number | undefined): Promise<void> {
    if (restoredCheckpointId === undefined && this.run.attempt === 0) return;
    const c = this.commitClient;
    for (;;) {
      // Entries of other runs do not change any more; only the owner must hold until EXEC.
      await c.watch(this.ownerKey);
      const [owner, all] = await Promise.all([c.get(this.ownerKey), c.hGetAll(this.registry)]);
      if (owner !== this.epoch) {
        await c.unwatch();
        throw this.fencedOut(owner, 'clean up orphan transactions');
      }
      const orphans: Array<{ id: string; stagingKey: string; openedAt: string }> = [];
      for (const [id, value] of Object.entries(all)) {
        const [epoch, openedAt, stagingKey] = value.split('|');
        if (epoch === this.epoch) continue;
        if (restoredCheckpointId === undefined) {
          if (parseRun(epoch)?.jobId !== this.run.jobId) continue;
        } else if (Number(openedAt) < restoredCheckpointId) continue; // pending in the restored checkpoint: committed by recovery
        orphans.push({ id, stagingKey, openedAt });
      }
      if (orphans.length === 0) {
        await c.unwatch();
        return;
      }
      const multi = c.multi();
      for (const o of orphans) multi.del(o.stagingKey).hDel(this.registry, o.id).hSet(this.abortedKey, o.id, `${this.epoch}|${o.openedAt}`);
      try {
        await multi.exec();
        if (restoredCheckpointId === undefined) log('aborted %d transaction(s) of earlier attempts (no checkpoint restored)', orphans.length);
        else log('aborted %d transaction(s) opened after checkpoint %d by an earlier run', orphans.length, restoredCheckpointId);
        return;
      } catch (e) {
        if (!(e instanceof WatchError)) throw e;
      }
    }
  }

  /** Writes run one after another on the connection; the first error is kept for preCommit. */
  private chain(work: () => Promise<unknown>): void {
    this.lastWrite = this.lastWrite
      .then(() => this.ready)
      .then(work)
      .catch((e: unknown) => {
        this.writeError ??= e instanceof Error ? e : new Error(String(e));
      });
  }
}
