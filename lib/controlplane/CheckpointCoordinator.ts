import createDebug from 'debug';
import { CheckpointBarrier, isSavepoint, SnapshotKind } from '../runtime/checkpoint/CheckpointBarrier';
import { CheckpointConfigData } from '../runtime/checkpoint/CheckpointConfigData';
import { CheckpointLocation } from '../runtime/checkpoint/CheckpointLocation';
import { CheckpointMetadata, CompletedCheckpoint, METADATA_VERSION, StateHandle, SubtaskCheckpointStats } from '../runtime/checkpoint/CheckpointMetadata';
import { CheckpointStatsTracker } from './CheckpointStatsTracker';
import { CheckpointStorage, persistSubtaskState } from '../runtime/checkpoint/CheckpointStorage';
import { FinishedSubtaskStates } from '../runtime/checkpoint/FinishedSubtaskStates';
import { CheckpointStatsSnapshot } from '../runtime/checkpoint/CheckpointStats';
import { JobGraph } from '../graph/JobGraph';
import { operatorIdOf } from '../runtime/checkpoint/OperatorId';
import { Clock, TimerHandle } from '../time/Clock';
import { SnapshotOutcome } from './JobSubmission';

const log = createDebug('brook:checkpoint');

/** What the coordinator needs from the JobManager. */
export interface CheckpointCoordinatorContext {
  readonly jobId: string;
  readonly jobGraph: JobGraph;
  readonly clock: Clock;
  /** Runs `fn` in the JobManager's mailbox after `delayMs`. */
  schedule(delayMs: number, fn: () => void): TimerHandle;
  cancel(handle: TimerHandle): void;
  /**
   * The subtasks that must acknowledge (keys `vertexId.subtask` of subtasks not finished) and the
   * source subtasks to trigger; a string says why a checkpoint cannot start now.
   */
  participants(): { readonly waitFor: readonly string[]; readonly trigger: readonly string[]; readonly finished: readonly string[] } | string;
  sendTrigger(key: string, barrier: CheckpointBarrier): void;
  notifyComplete(checkpointId: number): void;
  /**
   * Records a completed checkpoint (not a savepoint) where a new leader finds it, before any
   * subtask hears it is complete; a rejection (a deposed leader's fenced write) leaves it
   * unannounced: it is aborted, and no sink commits it.
   */
  recordCompleted?(checkpointId: number, pointer: string | undefined, timestamp: number): Promise<void>;
  notifyAborted(checkpointId: number): void;
  /** Too many checkpoints failed in a row: fail the job (the restart strategy decides what next). */
  failJob(error: Error): void;
  /** A subtask declined a checkpoint for a reason not reported before in this job: tell the user. */
  warnDeclined(checkpointId: number, reason: string): void;
  /** Registers async storage work, so a harness on the manual clock waits for it. */
  track<T>(work: Promise<T>): Promise<T>;
}

interface PendingCheckpoint {
  readonly checkpointId: number;
  readonly kind: SnapshotKind;
  readonly timestamp: number;
  location: CheckpointLocation | undefined;
  readonly notYetAcknowledged: Set<string>;
  readonly states: Map<string, StateHandle | null>;
  /** Subtasks that had finished, with their final state: it goes in as it was. */
  readonly finishedStates: Map<string, Promise<Uint8Array | null>>;
  readonly stats: SubtaskCheckpointStats[];
  readonly replies: Array<(outcome: SnapshotOutcome) => void>;
  /** Cancelled when it ends, so it fires only while the checkpoint is pending. */
  readonly timeout: TimerHandle;
  /** Triggered (barriers sent); before that the location is being prepared. */
  triggered: boolean;
  /**
   * Every acknowledgement is in and its metadata is being written: whether it completes is now
   * the storage's to decide (the rename of its directory), and an abort waits for that outcome.
   */
  finalization: Promise<void> | undefined;
  done: boolean;
}

/**
 * Flink's CheckpointCoordinator, in the JobManager: triggers checkpoints at the sources every
 * interval (respecting min pause and max concurrent checkpoints) or on demand, collects the
 * acknowledgements, times checkpoints out, makes completed ones durable through the storage,
 * keeps the last N, tells every subtask when one completed, and fails the job when more
 * checkpoints failed in a row than tolerated. Savepoints take the same path, into a directory.
 */
export class CheckpointCoordinator {
  private nextCheckpointId: number;
  private readonly pending = new Map<number, PendingCheckpoint>();
  private readonly completed: CompletedCheckpoint[] = [];
  /** The final state of each finished subtask, carried into every later checkpoint. */
  private readonly finishedStates = new FinishedSubtaskStates();
  private readonly finalizations = new Set<Promise<void>>();
  private readonly reportedDeclineReasons = new Set<string>();
  private periodicTimer: TimerHandle | undefined;
  private periodicRunning = false;
  /** A periodic trigger that came while too many checkpoints were pending: runs when one ends. */
  private periodicQueued = false;
  private lastCheckpointCompletionTime = Number.NEGATIVE_INFINITY;
  private continuousFailures = 0;
  private shutdown = false;
  readonly stats = new CheckpointStatsTracker();

  constructor(
    private readonly context: CheckpointCoordinatorContext,
    private readonly config: CheckpointConfigData,
    private readonly storage: CheckpointStorage,
    firstCheckpointId: number,
  ) {
    this.nextCheckpointId = firstCheckpointId;
  }

  get latestCompleted(): CompletedCheckpoint | undefined {
    return this.completed[this.completed.length - 1];
  }

  get numberOfPendingCheckpoints(): number {
    return this.pending.size;
  }

  /** The checkpoint the job was restored from counts as completed (and falls under retention). */
  addRestoredCheckpoint(checkpoint: CompletedCheckpoint): void {
    this.completed.push(checkpoint);
    this.nextCheckpointId = Math.max(this.nextCheckpointId, checkpoint.checkpointId + 1);
    this.stats.restored(checkpoint, this.context.clock.now());
  }

  startPeriodicScheduler(): void {
    if (this.shutdown || this.periodicRunning) return;
    this.periodicRunning = true;
    this.schedulePeriodic(this.config.intervalMs);
  }

  stopPeriodicScheduler(): void {
    this.periodicRunning = false;
    this.periodicQueued = false;
    if (this.periodicTimer !== undefined) this.context.cancel(this.periodicTimer);
    this.periodicTimer = undefined;
  }

  /** On demand: a checkpoint, or a savepoint into `directory`. Bypasses min pause and max concurrent (as Flink's forced triggers). */
  triggerSnapshot(kind: SnapshotKind, directory: string | undefined, reply: (outcome: SnapshotOutcome) => void): void {
    const target = isSavepoint(kind) ? (directory ?? this.config.defaultSavepointDirectory) : undefined;
    this.startCheckpoint(kind, target, reply);
  }

  /**
   * Every subtask is going away (restart, cancel): abort all pending, not counted as failures.
   * A checkpoint being finalized is not aborted: it completes if its storage says so (see
   * {@link finalizationsSettled}). The subtasks of the next attempt finish anew.
   */
  abortPendingCheckpoints(reason: string): void {
    for (const p of [...this.pending.values()]) this.abort(p, reason, false);
    this.finishedStates.clear();
  }

  /**
   * Resolves once no checkpoint is being finalized: from then on {@link latestCompleted} is
   * what the storage holds, so a restart picks it only after this.
   */
  async finalizationsSettled(): Promise<void> {
    while (this.finalizations.size > 0) await Promise.all(this.finalizations);
  }

  /** Stops everything (job ended). */
  shutdownCoordinator(reason: string): void {
    this.stopPeriodicScheduler();
    this.abortPendingCheckpoints(reason);
    this.shutdown = true;
  }

  acknowledge(key: string, checkpointId: number, state: StateHandle | undefined, stats: SubtaskCheckpointStats): void {
    const p = this.pending.get(checkpointId);
    if (!p || p.done || !p.notYetAcknowledged.delete(key)) return;
    p.states.set(key, state ?? null);
    p.stats.push(stats);
    if (p.notYetAcknowledged.size === 0 && p.triggered) this.complete(p);
  }

  decline(key: string, checkpointId: number, reason: string, countsAsFailure: boolean): void {
    const p = this.pending.get(checkpointId);
    if (!p || p.done) return;
    // Once per reason: a state that cannot be serialized declines every checkpoint alike, and
    // one line says it; a subtask that merely is not running yet is no news at all.
    if (countsAsFailure && !this.reportedDeclineReasons.has(reason)) {
      this.reportedDeclineReasons.add(reason);
      this.context.warnDeclined(checkpointId, `subtask ${key}: ${reason}`);
    }
    this.abort(p, `declined by subtask ${key}: ${reason}`, countsAsFailure);
  }

  /**
   * A subtask finished: it did so once its final checkpoint or savepoint completed, and the
   * state it acknowledged there goes into every later checkpoint unchanged (read now: retention
   * may delete that directory later). Pending checkpoints stop waiting for it.
   */
  subtaskFinished(key: string): void {
    const bytes = this.finishedStates.subtaskFinished(key);
    for (const p of [...this.pending.values()]) {
      if (!p.done && p.notYetAcknowledged.delete(key)) {
        p.finishedStates.set(key, bytes);
        if (p.notYetAcknowledged.size === 0 && p.triggered) this.complete(p);
      }
    }
  }

  statsSnapshot(): CheckpointStatsSnapshot {
    return this.stats.snapshot(this.pending.size);
  }

  // ---- internals

  /**
   * Called with no periodic timer pending: at a start (a stop before it cancelled the timer), from
   * the timer's own callback, or for a queued trigger (which scheduled nothing).
   */
  private schedulePeriodic(delayMs: number): void {
    this.periodicTimer = this.context.schedule(Math.max(0, delayMs), () => {
      this.periodicTimer = undefined;
      this.onPeriodicTrigger();
    });
  }

  /** Runs only while the scheduler runs: a stop cancels the timer. */
  private onPeriodicTrigger(): void {
    if (this.pending.size >= this.config.maxConcurrentCheckpoints) {
      this.periodicQueued = true;
      return;
    }
    const earliest = this.lastCheckpointCompletionTime + this.config.minPauseBetweenCheckpointsMs;
    const now = this.context.clock.now();
    if (now < earliest) {
      this.schedulePeriodic(earliest - now);
      return;
    }
    this.startCheckpoint('CHECKPOINT', undefined, undefined);
    this.schedulePeriodic(this.config.intervalMs);
  }

  /** A checkpoint ended (completed or aborted): a queued periodic trigger may go now. */
  private onCheckpointEnded(): void {
    if (!this.periodicQueued || !this.periodicRunning) return;
    this.periodicQueued = false;
    // At once: the trigger itself waits for what is left of the min pause.
    this.schedulePeriodic(0);
  }

  /** Starts a checkpoint at once: the periodic trigger checked min pause and max concurrent before. */
  private startCheckpoint(kind: SnapshotKind, directory: string | undefined, reply: ((o: SnapshotOutcome) => void) | undefined): void {
    const participants = this.context.participants();
    if (typeof participants === 'string') {
      log('checkpoint not started: %s', participants);
      reply?.({ error: `cannot take a ${describeKind(kind)} now: ${participants}` });
      return;
    }
    if (participants.trigger.length === 0) {
      reply?.({ error: `cannot take a ${describeKind(kind)} now: every source has finished` });
      return;
    }
    const checkpointId = this.nextCheckpointId++;
    const timestamp = this.context.clock.now();
    const p: PendingCheckpoint = {
      checkpointId,
      kind,
      timestamp,
      location: undefined,
      notYetAcknowledged: new Set(participants.waitFor),
      states: new Map(),
      finishedStates: new Map(
        participants.finished.flatMap((k) => {
          const bytes = this.finishedStates.finalStateOf(k);
          return bytes ? [[k, bytes] as const] : [];
        }),
      ),
      stats: [],
      replies: reply ? [reply] : [],
      timeout: this.context.schedule(this.config.timeoutMs, () =>
        this.abort(p, `checkpoint ${checkpointId} expired before completing (timeout ${this.config.timeoutMs} ms)`, true),
      ),
      triggered: false,
      finalization: undefined,
      done: false,
    };
    this.pending.set(checkpointId, p);
    this.stats.triggered();
    log('triggering %s %d at %d source subtask(s)', describeKind(kind), checkpointId, participants.trigger.length);
    this.context.track(this.storage.initializeLocation(checkpointId, kind, directory, this.context.jobId)).then(
      (location) =>
        this.context.schedule(0, () => {
          p.location = location;
          if (p.done) {
            // Tracked, so that whoever waits for the coordinator's storage work waits for this too.
            void this.context.track(this.storage.discard(location)).catch((e: unknown) => log('cannot delete %s: %s', location?.directory, errorText(e)));
            return;
          }
          const barrier: CheckpointBarrier = { checkpointId, timestamp, kind, location };
          p.triggered = true;
          for (const key of participants.trigger) this.context.sendTrigger(key, barrier);
          if (p.notYetAcknowledged.size === 0) this.complete(p);
        }),
      (e: unknown) => this.context.schedule(0, () => this.abort(p, `cannot prepare its storage: ${errorText(e)}`, true)),
    );
  }

  /**
   * Every acknowledgement is in: finalize; the finalization's outcome decides. Called once, while
   * the checkpoint is pending: when the last outstanding subtask acknowledges or finishes (a
   * subtask leaves `notYetAcknowledged` once, and only a triggered checkpoint completes there),
   * or when the barriers go out with none outstanding.
   */
  private complete(p: PendingCheckpoint): void {
    const finalization = this.finalize(p)
      .catch((e: unknown) => log('%s %d: finalization failed: %s', describeKind(p.kind), p.checkpointId, errorText(e)))
      .finally(() => this.finalizations.delete(finalization));
    p.finalization = finalization;
    this.finalizations.add(finalization);
  }

  /**
   * Writes the metadata and lets the storage make the checkpoint complete (the rename of its
   * directory). If that succeeded the checkpoint is complete, even when an abort came meanwhile
   * (Flink: completion is decided once, by the completed checkpoint store); if it failed,
   * nothing of it is left looking complete.
   */
  private async finalize(p: PendingCheckpoint): Promise<void> {
    let metadata: CheckpointMetadata;
    let pointer: string | undefined;
    try {
      metadata = await this.context.track(this.buildMetadata(p));
      pointer = await this.context.track(this.storage.finalize(p.location, metadata));
    } catch (e) {
      await this.context.track(this.storage.discard(p.location)).catch((d: unknown) => log('cannot delete %s: %s', p.location?.directory, errorText(d)));
      p.finalization = undefined;
      this.abort(p, `cannot complete it: ${errorText(e)}`, true);
      return;
    }
    if (!isSavepoint(p.kind) && this.context.recordCompleted) {
      try {
        await this.context.track(this.context.recordCompleted(p.checkpointId, pointer, p.timestamp));
      } catch (e) {
        p.finalization = undefined;
        this.abort(p, `cannot record it as completed: ${errorText(e)}`, true);
        return;
      }
    }
    const stateSize = p.stats.reduce((n, s) => n + s.stateSize, 0);
    const now = this.context.clock.now();
    const checkpoint: CompletedCheckpoint = {
      checkpointId: p.checkpointId,
      timestamp: p.timestamp,
      completionTime: now,
      kind: p.kind,
      externalPointer: pointer,
      metadata,
      stateSize,
    };
    this.finish(p);
    this.continuousFailures = 0;
    this.lastCheckpointCompletionTime = now;
    this.stats.completed(checkpoint, p.stats);
    log('%s %d complete in %d ms, %d bytes%s', describeKind(p.kind), p.checkpointId, now - p.timestamp, stateSize, pointer ? ` at ${pointer}` : '');
    if (!isSavepoint(p.kind)) this.completed.push(checkpoint);
    this.finishedStates.snapshotCompleted(p.checkpointId, pointer, p.states);
    // Flink: every subtask hears of it; two-phase-commit sinks commit now.
    this.context.notifyComplete(p.checkpointId);
    for (const r of p.replies) r({ checkpointId: p.checkpointId, path: pointer });
    this.onCheckpointEnded();
    await this.applyRetention();
  }

  private async buildMetadata(p: PendingCheckpoint): Promise<CheckpointMetadata> {
    const tasks = [];
    for (const v of this.context.jobGraph.vertices) {
      const subtasks: Array<StateHandle | null> = [];
      for (let i = 0; i < v.parallelism; i++) {
        const key = `${v.id}.${i}`;
        let handle = p.states.get(key) ?? null;
        const finalState = p.finishedStates.get(key);
        if (finalState) {
          // A finished subtask's final state is copied into this checkpoint, which must stand alone.
          const bytes = await finalState;
          handle = bytes === null ? null : await persistSubtaskState(p.location, `${v.id}-${i}.state`, bytes);
        }
        subtasks.push(handle);
      }
      tasks.push({
        vertexId: v.id,
        name: v.name,
        parallelism: v.parallelism,
        maxParallelism: v.maxParallelism,
        operatorIds: v.nodes.map(operatorIdOf),
        subtasks,
      });
    }
    return { version: METADATA_VERSION, jobName: this.context.jobGraph.jobName, checkpointId: p.checkpointId, timestamp: p.timestamp, kind: p.kind, tasks };
  }

  private async applyRetention(): Promise<void> {
    while (this.completed.length > this.config.numRetainedCheckpoints) {
      const old = this.completed.shift()!;
      try {
        await this.context.track(this.storage.dispose(old));
      } catch (e) {
        log('cannot delete checkpoint %d: %s', old.checkpointId, errorText(e));
      }
    }
  }

  private abort(p: PendingCheckpoint, reason: string, countsAsFailure: boolean): void {
    if (p.done) return;
    if (p.finalization !== undefined) {
      // Its directory may already be complete: aborting now (and telling sinks to abort their
      // transactions) could contradict what the storage holds.
      log('%s %d is being finalized; abort (%s) takes effect only if the finalization fails', describeKind(p.kind), p.checkpointId, reason);
      return;
    }
    this.finish(p);
    log('%s %d aborted: %s', describeKind(p.kind), p.checkpointId, reason);
    this.stats.failed(p.checkpointId, reason, this.context.clock.now());
    void this.context.track(this.storage.discard(p.location)).catch((e: unknown) => log('cannot delete %s: %s', p.location?.directory, errorText(e)));
    if (p.triggered) this.context.notifyAborted(p.checkpointId);
    for (const r of p.replies) r({ error: `${describeKind(p.kind)} ${p.checkpointId} failed: ${reason}` });
    // Flink counts only checkpoints toward the tolerable failures: a failed savepoint fails
    // its request, not the job.
    if (countsAsFailure && !isSavepoint(p.kind) && !this.shutdown) {
      this.continuousFailures++;
      if (this.continuousFailures > this.config.tolerableCheckpointFailureNumber) {
        this.continuousFailures = 0;
        this.context.failJob(
          new Error(
            `Exceeded checkpoint tolerable failure threshold (${this.config.tolerableCheckpointFailureNumber}); the latest checkpoint failed: ${reason}`,
          ),
        );
        return;
      }
    }
    this.onCheckpointEnded();
  }

  private finish(p: PendingCheckpoint): void {
    p.done = true;
    this.pending.delete(p.checkpointId);
    this.context.cancel(p.timeout);
  }
}

function describeKind(kind: SnapshotKind): string {
  return kind === 'CHECKPOINT' ? 'checkpoint' : 'savepoint';
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
