import { randomUUID } from 'crypto';
import createDebug from 'debug';
import { createClient, WatchError } from 'redis';
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
 * that finds its list gone was already applied (the list disappears in the same EXEC as the
 * entries appear), so committing again after a crash changes nothing. Transactions opened
 * after the checkpoint a job restores from are found in a registry hash and deleted.
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

class RedisStreamWriter<T> implements TwoPhaseCommitWriter<T, RedisTransaction> {
  private readonly client: Client;
  /** WATCH needs a connection of its own: nothing else may run between WATCH and EXEC. */
  private readonly commitClient: Client;
  private readonly connected: Promise<unknown>;
  private readonly prefix: string;
  private readonly registry: string;
  private readonly epoch: string;
  private buffer: string[] = [];
  private lastWrite: Promise<unknown> = Promise.resolve();
  private writeError: Error | undefined;
  private readonly serialize: (value: T) => Record<string, string>;

  constructor(
    private readonly options: RedisStreamSinkOptions<T>,
    context: TransactionalSinkContext,
  ) {
    this.prefix = options.transactionPrefix ?? `brook:2pc:${options.stream}`;
    this.registry = `${this.prefix}:txns`;
    this.epoch = `${context.jobId}/${context.attemptNumber}`;
    this.serialize = options.serialize ?? ((v: T): Record<string, string> => (typeof v === 'string' ? { line: v } : { value: JSON.stringify(v) }));
    this.client = createClient({ url: options.url });
    this.commitClient = this.client.duplicate();
    for (const c of [this.client, this.commitClient]) c.on('error', (e: Error) => log('sink connection: %s', e.message));
    this.connected = Promise.all([this.client.connect(), this.commitClient.connect()]);
    const restored = context.restoredCheckpointId;
    // One subtask clears transactions a dead run opened after the restored checkpoint.
    if (restored !== undefined && context.subtaskIndex === 0) this.chain(() => this.abortOrphans(restored));
  }

  beginTransaction(checkpointId: number): RedisTransaction {
    const id = randomUUID();
    return { id, stagingKey: `${this.prefix}:txn:${id}`, openedAt: checkpointId, count: 0 };
  }

  invoke(txn: RedisTransaction, value: T, _context: SinkContext): void {
    this.buffer.push(JSON.stringify(this.serialize(value)));
  }

  flush(txn: RedisTransaction): void {
    if (this.buffer.length === 0) return;
    const entries = this.buffer;
    this.buffer = [];
    const first = txn.count === 0;
    txn.count += entries.length;
    this.chain(async () => {
      // Registered before its first entry, so a crash never leaves an unregistered list behind.
      if (first) await this.client.hSet(this.registry, txn.id, `${this.epoch}|${txn.openedAt}|${txn.stagingKey}`);
      await this.client.rPush(txn.stagingKey, entries);
    });
  }

  async preCommit(txn: RedisTransaction): Promise<void> {
    this.flush(txn);
    await this.lastWrite;
    if (this.writeError) throw this.writeError;
  }

  async commit(txn: RedisTransaction): Promise<void> {
    if (txn.count === 0) return;
    await this.connected;
    const c = this.commitClient;
    for (;;) {
      await c.watch(txn.stagingKey);
      const staged = await c.lRange(txn.stagingKey, 0, -1);
      if (staged.length === 0) {
        await c.unwatch();
        return; // already committed
      }
      if (staged.length !== txn.count) {
        await c.unwatch();
        throw new Error(`transaction ${txn.id} has ${staged.length} staged entries in ${txn.stagingKey}, expected ${txn.count}`);
      }
      const multi = c.multi();
      for (const fields of staged) multi.xAdd(this.options.stream, '*', JSON.parse(fields) as Record<string, string>);
      multi.del(txn.stagingKey);
      multi.hDel(this.registry, txn.id);
      try {
        await multi.exec();
        return;
      } catch (e) {
        if (e instanceof WatchError) continue; // the list changed under us: read it again
        throw e;
      }
    }
  }

  async abort(txn: RedisTransaction): Promise<void> {
    await this.connected;
    await this.client.multi().del(txn.stagingKey).hDel(this.registry, txn.id).exec();
  }

  async close(): Promise<void> {
    await this.lastWrite.catch(() => undefined);
    for (const c of [this.client, this.commitClient]) if (c.isOpen) c.destroy();
  }

  private async abortOrphans(restoredCheckpointId: number): Promise<void> {
    const all = await this.client.hGetAll(this.registry);
    let n = 0;
    for (const [id, value] of Object.entries(all)) {
      const [epoch, openedAt, stagingKey] = value.split('|');
      if (epoch === this.epoch) continue;
      if (Number(openedAt) < restoredCheckpointId) continue; // pending in the restored checkpoint: committed by recovery
      await this.client.multi().del(stagingKey).hDel(this.registry, id).exec();
      n++;
    }
    if (n > 0) log('aborted %d transaction(s) opened after checkpoint %d by an earlier run', n, restoredCheckpointId);
  }

  /** Writes run one after another on the connection; the first error is kept for preCommit. */
  private chain(work: () => Promise<unknown>): void {
    this.lastWrite = this.lastWrite
      .then(() => this.connected)
      .then(work)
      .catch((e: unknown) => {
        this.writeError ??= e instanceof Error ? e : new Error(String(e));
      });
  }
}
