import createDebug from 'debug';
import { SinkContext } from '../../connectors/sink/SinkFunction';
import { TwoPhaseCommitSink, TwoPhaseCommitWriter } from '../../connectors/sink/TwoPhaseCommitSink';
import { MIN_WATERMARK, NO_TIMESTAMP } from '../../time/Watermark';
import { AbstractStreamOperator } from '../AbstractStreamOperator';
import { OperatorStateSnapshot, StateInitializationContext, StateSnapshotContext } from '../state/OperatorStateSnapshot';

const log = createDebug('brook:2pc');

interface PendingTransaction<TXN> {
  readonly checkpointId: number;
  readonly transaction: TXN;
}

/** One subtask's checkpointed state: what awaits commit, and what was open. */
interface TwoPhaseCommitState<TXN> {
  readonly pending: ReadonlyArray<PendingTransaction<TXN>>;
  readonly current: TXN;
}

/**
 * Drives a TwoPhaseCommitSink from checkpoints, as Flink's TwoPhaseCommitSinkFunction: at the
 * barrier, pre-commit the open transaction, remember it under the checkpoint id, open a new
 * one; when checkpoint n completes, commit every pending transaction with id ≤ n, in order; on
 * restore, commit the pending ones again (idempotent) and abort the one that was open. A
 * transaction leaves the pending list only once its commit succeeded, so a checkpoint taken
 * while a commit is under way still holds it. So do the restored ones: Flink recovers them in
 * initializeState, before any checkpoint can start, but here the recovery runs next to the
 * records, and checkpoints complete meanwhile. Until the recovery got to them, the restored
 * pending transactions stay pending and the restored open ones stay in the state (to be
 * aborted), so a run that dies before leaves them to the next one rather than losing them.
 */
export class TwoPhaseCommitSinkOperator<IN, TXN> extends AbstractStreamOperator<IN, never> implements SinkContext {
  private writer!: TwoPhaseCommitWriter<IN, TXN>;
  private current!: TXN;
  private pending: Array<PendingTransaction<TXN>> = [];
  private readonly committing = new Set<PendingTransaction<TXN>>();
  private readonly preCommits = new Map<number, Promise<void>>();
  private restored: ReadonlyArray<TwoPhaseCommitState<TXN>> = [];
  /** Transactions open in the restored state whose abort is still to come: later checkpoints carry them. */
  private restoredOpen: TXN[] = [];
  private restoredCheckpointId: number | undefined;
  /** Commits (and recovery) run one after another, in checkpoint order. */
  private commitChain: Promise<void> = Promise.resolve();
  private lastCheckpointId = 0;
  private watermark = MIN_WATERMARK;
  private recordTimestamp = NO_TIMESTAMP;

  constructor(
    private readonly sink: TwoPhaseCommitSink<IN, TXN>,
    name: string,
  ) {
    super(name);
  }

  get timestamp(): number | undefined {
    return this.recordTimestamp === NO_TIMESTAMP ? undefined : this.recordTimestamp;
  }

  get currentWatermark(): number {
    return this.watermark;
  }

  get currentProcessingTime(): number {
    return this.context.clock.now();
  }

  initializeState(context: StateInitializationContext): void {
    // The id comes from the restore, not from the state: a subtask that finished early holds the
    // state of its final checkpoint, older than the one the job restored.
    this.restoredCheckpointId = context.restoredCheckpointId;
    // Empty on a fresh start (and for an operator the restored checkpoint does not know).
    this.restored = context.operator as ReadonlyArray<TwoPhaseCommitState<TXN>>;
  }

  override open(): void {
    const c = this.context;
    if (!c.checkpointingMode) {
      throw new Error(`${this.name} is transactional: it commits on checkpoints, so enable checkpointing (env.enableCheckpointing(intervalMs))`);
    }
    this.writer = this.sink.createWriter({
      subtaskIndex: c.subtaskIndex,
      parallelism: c.parallelism,
      taskName: c.taskName,
      stdout: c.stdout,
      stderr: c.stderr,
      jobId: c.jobId ?? 'local',
      attemptNumber: c.attemptNumber,
      restoredCheckpointId: this.restoredCheckpointId,
    });
    // Flink: recoverAndCommit what was pending, recoverAndAbort what was open, before anything new.
    const recovered = [...this.restored];
    if (recovered.length > 0) {
      const pending = recovered.flatMap((s) => s.pending).sort((a, b) => a.checkpointId - b.checkpointId);
      log('%s (subtask %d): recovers %d pending and %d open transaction(s)', this.name, c.subtaskIndex, pending.length, recovered.length);
      // Pending (and being committed) until their commit succeeded, as any pending transaction.
      this.pending = [...pending];
      for (const p of pending) this.committing.add(p);
      this.restoredOpen = recovered.map((s) => s.current);
      this.enqueueCommitWork('recovery of restored transactions', async () => {
        for (const p of pending) {
          if (this.context.checkFence) await this.context.checkFence(`${this.name}: recommitting the transaction of checkpoint ${p.checkpointId}`);
          await (this.writer.recoverAndCommit ?? this.writer.commit).call(this.writer, p.transaction);
          this.pending = this.pending.filter((x) => x !== p);
          this.committing.delete(p);
        }
        for (const open of recovered.map((s) => s.current)) {
          await (this.writer.recoverAndAbort ?? this.writer.abort).call(this.writer, open);
          this.restoredOpen = this.restoredOpen.filter((x) => x !== open);
        }
      });
    }
    this.lastCheckpointId = this.restoredCheckpointId ?? 0;
    this.current = this.writer.beginTransaction(this.lastCheckpointId);
  }

  processElement(value: IN, timestamp: number): void {
    this.recordTimestamp = timestamp;
    try {
      this.writer.invoke(this.current, value, this);
    } catch (e) {
      this.userFunctionFailed(e, value);
    }
  }

  override processWatermark(watermark: number): void {
    this.watermark = watermark;
    this.metrics.currentOutputWatermark = watermark;
  }

  override processWatermarkStatus(): void {}

  override flush(): void {
    this.writer.flush?.(this.current);
  }

  snapshotState(context: StateSnapshotContext): OperatorStateSnapshot {
    const { checkpointId } = context;
    this.writer.flush?.(this.current);
    const closing = this.current;
    this.preCommits.set(checkpointId, this.writer.preCommit(closing));
    this.pending.push({ checkpointId, transaction: closing });
    this.lastCheckpointId = checkpointId;
    this.current = this.writer.beginTransaction(checkpointId);
    const state: TwoPhaseCommitState<TXN> = { pending: [...this.pending], current: this.current };
    // A restored open transaction not aborted yet goes in as an entry of its own, which a restore aborts.
    const stillOpen = this.restoredOpen.map((current): TwoPhaseCommitState<TXN> => ({ pending: [], current }));
    return { operator: [state, ...stillOpen] };
  }

  preCommit(checkpointId: number): Promise<void> {
    const p = this.preCommits.get(checkpointId) ?? Promise.resolve();
    this.preCommits.delete(checkpointId);
    return p;
  }

  notifyCheckpointComplete(checkpointId: number): void {
    const due = this.pending.filter((p) => p.checkpointId <= checkpointId && !this.committing.has(p));
    if (due.length === 0) return;
    for (const p of due) this.committing.add(p);
    this.enqueueCommitWork(`commit of checkpoint ${checkpointId}`, async () => {
      for (const p of due) {
        // A fenced-out TaskManager's subtask commits nothing more: the next attempt commits it.
        if (this.context.checkFence) await this.context.checkFence(`${this.name}: committing the transaction of checkpoint ${p.checkpointId}`);
        await this.writer.commit(p.transaction);
        this.pending = this.pending.filter((x) => x !== p);
        this.committing.delete(p);
      }
    });
  }

  override close(): void {
    if (!this.writer) return;
    const writer = this.writer;
    const open = this.current;
    // What was open is void (a restore aborts it again anyway). Tracked, so that a restart
    // waits for this cleanup rather than racing it.
    // A failed abort or close does not fail the task (it is ending anyway, and the next run's
    // recovery deletes what this run left open), but it is printed: never silent.
    const warn =
      (what: string) =>
      (e: unknown): void =>
        void this.context.stderr.write(
          `${this.name} (subtask ${this.context.subtaskIndex}): ${what} failed: ${e instanceof Error ? e.message : String(e)}; ` +
            "what it left open is cleaned up by the next run's recovery\n",
        );
    const cleanup = this.commitChain
      .then(() => writer.abort(open))
      .catch(warn('abort of the open transaction'))
      .finally(() => writer.close?.().catch(warn('close of the writer')));
    if (this.context.trackAsync) this.context.trackAsync(cleanup, 'abort of the open transaction');
  }

  private enqueueCommitWork(what: string, work: () => Promise<void>): void {
    const next = this.commitChain.then(work);
    this.commitChain = next.catch(() => undefined);
    if (this.context.trackAsync) this.context.trackAsync(next, what);
    else next.catch(() => undefined);
  }
}
