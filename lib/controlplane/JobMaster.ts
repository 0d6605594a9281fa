import createDebug from 'debug';
import { JobStatus, isGloballyTerminal } from '../api/JobStatus';
import { buildExecutionGraph, ExecutionGraph, ExecutionVertex } from '../graph/ExecutionGraph';
import { CheckpointBarrier, SnapshotKind } from '../runtime/checkpoint/CheckpointBarrier';
import { StateHandle, SubtaskCheckpointStats } from '../runtime/checkpoint/CheckpointMetadata';
import { CheckpointDirectoryLock, lockCheckpointDirectory } from '../runtime/checkpoint/CheckpointDirectoryLock';
import { createCheckpointStorage, highestCheckpointId, removeStaleInProgressCheckpoints } from '../runtime/checkpoint/CheckpointStorage';
import { TaskRestore } from '../runtime/checkpoint/StateAssignment';
import { JobExecutionError, NotEnoughSlotsError, TaskFailure } from '../runtime/errors';
import { ExecutionState, isTerminal } from '../runtime/ExecutionState';
import { RestartBackoffTimeStrategy } from '../runtime/restart/RestartBackoffTimeStrategy';
import { createRestartStrategy, defaultRestartStrategy, describeRestartLimit, RestartStrategyConfig } from '../runtime/restart/RestartStrategy';
import { TaskMessage } from '../runtime/TaskMessage';
import { TaskMetricsSnapshot } from '../runtime/TaskMetrics';
import { TimerHandle } from '../time/Clock';
import { CheckpointCoordinator } from './CheckpointCoordinator';
import { CheckpointStatsSnapshot } from '../runtime/checkpoint/CheckpointStats';
import type { ExecutionRecord, JobRun } from './ClusterQueries';
import { ExceptionHistory, failureRecord } from './ExceptionHistory';
import { JobEventReporter, stderrReporter } from './JobEventReporter';
import { JobMasterHost } from './JobMasterHost';
import { jobResult } from './jobResult';
import { JobSubmission, SnapshotOutcome } from './JobSubmission';
import { PreparedRestore, prepareRestore, readCompletedCheckpoint } from './restoreState';
import { SlotAssignment } from './SlotPool';
import { SubtaskDeployment } from './SubtaskWiring';

const log = createDebug('brook:jobmanager');

/** The handle of work posted at once rather than on the clock. */
const NO_TIMER: TimerHandle = Object.freeze({ posted: true });

/** One subtask attempt as the JobMaster follows it. */
interface Execution<R> extends ExecutionRecord {
  /** `vertexId.subtask`: the slot's key, the same in every attempt. */
  readonly key: string;
  ref: R | undefined;
  state: ExecutionState;
  metrics: TaskMetricsSnapshot | undefined;
}

type ReleaseReason = 'FINISHED' | 'FAILING' | 'CANCELLING' | 'RESTARTING';

/**
 * One job's life in the JobManager (Flink's JobMaster with its scheduler): deploys an attempt of
 * every subtask, follows their states, and on a failure asks the restart strategy whether to
 * restart; a restart releases every subtask, waits the backoff on the clock, and deploys a new
 * attempt restored from the latest completed checkpoint (full failover: brook's tasks form one
 * pipelined region). Checkpoints are driven by its CheckpointCoordinator. It reaches
 * TaskManagers and subtasks only through its host (JobMasterHost), and runs every callback in
 * the host's mailbox, so it behaves the same in the nact JobManager actor and in a unit test.
 */
export class JobMaster<R> implements JobRun {
  readonly graph: ExecutionGraph;
  status: JobStatus = 'INITIALIZING';
  private attempt = 0;
  private restartCount = 0;
  /** The last failures, for the REST API's exception history. */
  readonly exceptionHistory = new ExceptionHistory();
  /** The failure the history holds last, so the one that ends the job is not added twice. */
  private recordedFailure: Error | undefined;
  private readonly reporter: JobEventReporter;
  private readonly restartConfig: RestartStrategyConfig;
  executions = new Map<string, Execution<R>>();
  private awaitingDeploy = new Set<number>();
  private awaitingRelease = new Set<number>();
  private releaseReason: ReleaseReason | undefined;
  failure: Error | undefined;
  readonly startTime: number;
  endTime: number | undefined;
  private readonly restartStrategy: RestartBackoffTimeStrategy;
  private readonly coordinator: CheckpointCoordinator | undefined;
  private restartTimer: TimerHandle | undefined;
  private readonly timers = new Set<TimerHandle>();
  /** This job's hold on its file-system checkpoint directory, until it terminates. */
  private directoryLock: CheckpointDirectoryLock | undefined;
  /** Why the job cannot start (its checkpoint directory is in use). */
  private refusal: Error | undefined;

  /** The slots this job holds, from start until it terminates. */
  private slots: SlotAssignment | undefined;
  /** TaskManagers of this job's slots that were lost: the next attempt needs other slots. */
  private readonly lostTaskManagers = new Set<number>();
  /** Set while a restart waits for a TaskManager to offer slots; the timer fails the job. */
  private slotRequest: TimerHandle | undefined;

  constructor(
    readonly submission: JobSubmission,
    private readonly host: JobMasterHost<R>,
  ) {
    this.graph = buildExecutionGraph(submission.jobGraph);
    this.startTime = host.clock.now();
    const checkpointing = submission.checkpointing;
    this.restartConfig = submission.restartStrategy ?? defaultRestartStrategy(checkpointing !== undefined);
    this.restartStrategy = createRestartStrategy(this.restartConfig, host.clock);
    this.reporter = submission.reporter ?? stderrReporter;
    if (checkpointing) {
      const storage = createCheckpointStorage(checkpointing.storage);
      let firstId = 1;
      if (checkpointing.storage.type === 'filesystem') {
        // Ids continue above what the directory holds, so a new checkpoint never takes an old one's name.
        const dir = checkpointing.storage.directory;
        try {
          // Before anything touches the directory: in-progress checkpoints may be another live job's.
          this.directoryLock = lockCheckpointDirectory(dir, (error) => this.schedule(0, () => this.onCheckpointDirectoryLost(error)));
          removeStaleInProgressCheckpoints(dir);
          firstId = highestCheckpointId(dir) + 1;
        } catch (e) {
          this.refusal = e instanceof Error ? e : new Error(String(e));
        }
      }
      const record = submission.recordCompletedCheckpoint;
      this.coordinator = new CheckpointCoordinator(
        {
          jobId: submission.jobId,
          jobGraph: submission.jobGraph,
          clock: host.clock,
          schedule: (ms, fn) => this.schedule(ms, fn),
          cancel: (h) => this.cancelTimer(h),
          participants: () => this.checkpointParticipants(),
          sendTrigger: (key, barrier) => this.sendTrigger(key, barrier),
          notifyComplete: (id) => this.tellRunning({ type: 'notifyCheckpointComplete', checkpointId: id }),
          recordCompleted: record && ((checkpointId, location, timestamp) => record({ checkpointId, location, timestamp })),
          notifyAborted: (id) => this.tellRunning({ type: 'notifyCheckpointAborted', checkpointId: id }),
          failJob: (error) => this.handleFailure(error),
          warnDeclined: (checkpointId, reason) =>
            this.reporter.report({ type: 'checkpointDeclined', jobName: submission.jobGraph.jobName, jobId: submission.jobId, checkpointId, reason }),
          track: (work) => this.track(work),
        },
        checkpointing,
        storage,
        firstId,
      );
    }
  }

  get slotsByTaskManager(): ReadonlyMap<number, number> {
    return this.slots?.slotsByTaskManager ?? new Map();
  }

  /** TaskManagers of the slots it holds that were lost (until the next attempt moves off them). */
  get taskManagersLost(): ReadonlySet<number> {
    return this.lostTaskManagers;
  }

  /** Undefined when the job does not checkpoint. */
  get checkpoints(): CheckpointStatsSnapshot | undefined {
    return this.coordinator?.statsSnapshot();
  }

  get numRestarts(): number {
    return this.restartCount;
  }

  get jobId(): string {
    return this.submission.jobId;
  }

  /** Starts the job in the slots it was given: restores from the savepoint if one was given, then deploys attempt 0. */
  start(slots: SlotAssignment): void {
    this.slots = slots;
    if (this.refusal) {
      this.terminate('FAILED', this.refusal);
      return;
    }
    this.setStatus('CREATED');
    const restore = this.submission.savepointRestore;
    if (!restore) {
      this.deploy(undefined);
      return;
    }
    void this.track(
      readCompletedCheckpoint(restore.path).then((checkpoint) => prepareRestore(checkpoint, this.submission.jobGraph, restore.allowNonRestoredState)),
    ).then(
      (prepared) =>
        this.schedule(0, () => {
          // A retained checkpoint of this job's own directory falls under retention again.
          if (prepared.checkpoint.kind === 'CHECKPOINT') this.coordinator?.addRestoredCheckpoint(prepared.checkpoint);
          else this.coordinator?.stats.restored(prepared.checkpoint, this.host.clock.now());
          this.deploy(prepared);
        }),
      (e: unknown) => this.schedule(0, () => this.terminate('FAILED', new Error(`cannot restore from ${restore.path}: ${(e as Error).message}`))),
    );
  }

  fail(error: Error): void {
    this.terminate('FAILED', error);
  }

  // ---- messages routed here by the JobManager

  onDeployed(taskManagerId: number, subtasks: ReadonlyArray<{ readonly executionId: string; readonly ref: R }>): void {
    for (const s of subtasks) {
      const record = this.executions.get(s.executionId);
      if (record) record.ref = s.ref;
    }
    this.awaitingDeploy.delete(taskManagerId);
    if (this.awaitingDeploy.size === 0 && (this.status === 'CREATED' || this.status === 'RESTARTING')) this.startAll();
  }

  onSubtaskState(executionId: string, state: ExecutionState, failure?: TaskFailure, metrics?: TaskMetricsSnapshot): void {
    const record = this.executions.get(executionId);
    if (!record) return; // an earlier attempt
    if (metrics) record.metrics = metrics;
    if (isTerminal(record.state) && state !== 'FAILED') return;
    record.state = state;
    if (state === 'FAILED' && this.status === 'RUNNING') {
      log('subtask %s failed: %s', executionId, failure?.message);
      this.handleFailure(failure ?? new Error(`subtask ${executionId} failed`));
    } else if (state === 'FINISHED' && this.status === 'RUNNING') {
      this.coordinator?.subtaskFinished(record.key);
      if ([...this.executions.values()].every((r) => r.state === 'FINISHED')) this.release('FINISHED', undefined);
    }
  }

  onReleased(taskManagerId: number): void {
    this.awaitingRelease.delete(taskManagerId);
    if (this.awaitingRelease.size > 0) return;
    const reason = this.releaseReason;
    this.releaseReason = undefined;
    if (reason === 'RESTARTING') {
      const backoff = this.restartStrategy.getBackoffTime();
      log('job %s restarts in %d ms (%s)', this.jobId, backoff, this.restartStrategy.toString());
      this.restartTimer = this.schedule(backoff, () => {
        this.restartTimer = undefined;
        this.restart();
      });
      return;
    }
    this.terminate(reason === 'FAILING' ? 'FAILED' : reason === 'CANCELLING' ? 'CANCELED' : 'FINISHED', this.failure);
  }

  /**
   * A TaskManager is gone (its process died, its heartbeats stopped): its subtasks fail through
   * its host, and the next attempt is placed on the TaskManagers that remain.
   */
  onTaskManagerLost(taskManagerId: number): void {
    if (this.slots?.slotsByTaskManager.has(taskManagerId)) this.lostTaskManagers.add(taskManagerId);
  }

  /** A TaskManager registered: a restart waiting for slots tries again. Nothing else: a running job keeps its slots. */
  onSlotsAvailable(): void {
    if (this.slotRequest !== undefined && this.status === 'RESTARTING') this.schedule(0, () => this.restoreAndDeploy());
  }

  cancel(): void {
    if (isGloballyTerminal(this.status)) return;
    if (this.awaitingRelease.size > 0) {
      this.releaseReason = 'CANCELLING';
      this.setStatus('CANCELLING');
      return;
    }
    if (this.status === 'RESTARTING' || this.executions.size === 0) {
      if (this.restartTimer !== undefined) this.cancelTimer(this.restartTimer);
      this.terminate('CANCELED', undefined);
      return;
    }
    this.release('CANCELLING', undefined);
  }

  onAcknowledge(executionId: string, checkpointId: number, state: StateHandle | undefined, stats: SubtaskCheckpointStats): void {
    const record = this.executions.get(executionId);
    if (record) this.coordinator?.acknowledge(record.key, checkpointId, state, stats);
  }

  onDecline(executionId: string, checkpointId: number, reason: string, countsAsFailure: boolean): void {
    const record = this.executions.get(executionId);
    if (record) this.coordinator?.decline(record.key, checkpointId, reason, countsAsFailure);
  }

  triggerSnapshot(kind: SnapshotKind, directory: string | undefined, reply: (outcome: SnapshotOutcome) => void): void {
    if (!this.coordinator) {
      reply({
        error: `job '${this.submission.jobGraph.jobName}' does not checkpoint: call env.enableCheckpointing(intervalMs) to take checkpoints and savepoints`,
      });
      return;
    }
    if (this.status !== 'RUNNING') {
      reply({ error: `job '${this.submission.jobGraph.jobName}' is ${this.status}, not RUNNING` });
      return;
    }
    this.coordinator.triggerSnapshot(kind, directory, reply);
  }

  // ---- internals

  private deploy(restore: PreparedRestore | undefined): void {
    const { jobGraph, jobId, config } = this.submission;
    this.executions = new Map();
    const perTaskManager = new Map<number, SubtaskDeployment[]>();
    for (const execution of this.graph.executions) {
      const key = execution.id;
      const tmId = this.slots!.placement.get(key)!;
      const executionId = `${jobId}:${execution.id}:${this.attempt}`;
      this.executions.set(executionId, { executionId, execution, key, taskManagerId: tmId, ref: undefined, state: 'DEPLOYING', metrics: undefined });
      const taskRestore: TaskRestore | undefined = restore?.assignments.get(key);
      const list = perTaskManager.get(tmId) ?? [];
      list.push({
        executionId,
        descriptor: {
          jobName: jobGraph.jobName,
          jobId: this.submission.runId ?? jobId,
          vertex: execution.vertex,
          subtaskIndex: execution.subtaskIndex,
          attemptNumber: this.attempt,
          config,
          restore: taskRestore,
        },
      });
      perTaskManager.set(tmId, list);
    }
    this.awaitingDeploy = new Set(perTaskManager.keys());
    for (const [tmId, deployments] of perTaskManager) this.host.deploy(tmId, jobId, deployments);
  }

  private refOf(execution: ExecutionVertex): R {
    return this.executions.get(`${this.jobId}:${execution.id}:${this.attempt}`)!.ref!;
  }

  /** Every subtask is spawned: tell each whom it reads from and writes to, then start all. */
  private startAll(): void {
    for (const record of this.executions.values()) {
      const e = record.execution;
      this.host.startSubtask(record.ref!, {
        inputs: e.inputChannels.map((c) => ({ index: c.index, producer: this.refOf(c.producer), producerChannel: c.producerChannel })),
        outputs: e.outputEdges.map((o) => ({
          streamEdgeId: o.edge.streamEdge.id,
          partitioner: o.edge.streamEdge.partitioner,
          channels: o.channels.map((c) => ({ index: c.index, consumer: this.refOf(c.consumer), consumerChannel: c.consumerChannel })),
        })),
      });
    }
    this.setStatus('RUNNING');
    this.coordinator?.startPeriodicScheduler();
  }

  /**
   * A subtask failed, or checkpoints failed more often than tolerated: restart everything if the
   * strategy allows, otherwise fail the job.
   */
  private handleFailure(error: Error): void {
    if (this.status !== 'RUNNING') return;
    this.coordinator?.stopPeriodicScheduler();
    this.coordinator?.abortPendingCheckpoints('the job is failing over');
    this.restartStrategy.notifyFailure(error);
    const restarts = this.restartStrategy.canRestart();
    this.recordFailure(error, restarts);
    if (restarts) {
      log('job %s failed over: %s', this.jobId, error.message);
      this.reporter.report({
        type: 'restarting',
        jobName: this.submission.jobGraph.jobName,
        jobId: this.jobId,
        restart: this.restartCount + 1,
        ...describeRestartLimit(this.restartConfig),
        backoffMs: this.restartStrategy.getBackoffTime(),
        cause: error.message,
      });
      this.failure = error;
      this.release('RESTARTING', error);
    } else {
      this.release('FAILING', error);
    }
  }

  private restart(): void {
    if (this.status !== 'RESTARTING') return;
    // A checkpoint being finalized when the failure came may have completed: only once that is
    // decided is the latest completed checkpoint the one the storage holds.
    const finalizing = this.coordinator?.finalizationsSettled();
    if (finalizing) {
      void this.track(finalizing).then(() => this.schedule(0, () => this.restoreAndDeploy()));
      return;
    }
    this.restoreAndDeploy();
  }

  private restoreAndDeploy(): void {
    if (this.status !== 'RESTARTING') return;
    if (!this.hasSlots()) return;
    this.attempt++;
    this.restartCount++;
    const latest = this.coordinator?.latestCompleted;
    const initial = this.submission.savepointRestore;
    const from = latest ? Promise.resolve(latest) : initial ? readCompletedCheckpoint(initial.path) : undefined;
    if (!from) {
      this.deploy(undefined);
      return;
    }
    void this.track(from.then((checkpoint) => prepareRestore(checkpoint, this.submission.jobGraph, initial?.allowNonRestoredState ?? false))).then(
      (prepared) =>
        this.schedule(0, () => {
          log('job %s attempt %d restores checkpoint %d', this.jobId, this.attempt, prepared.checkpoint.checkpointId);
          this.coordinator?.stats.restored(prepared.checkpoint, this.host.clock.now());
          this.deploy(prepared);
        }),
      (e: unknown) => this.schedule(0, () => this.terminate('FAILED', new Error(`cannot restore the job: ${(e as Error).message}`))),
    );
  }

  /**
   * Whether the next attempt has slots: the ones it holds when none of their TaskManagers was
   * lost, else new ones. Without enough, it waits for a TaskManager to register, until the slot
   * request times out and the job fails saying so.
   */
  private hasSlots(): boolean {
    if (this.lostTaskManagers.size === 0) return true;
    const slots = this.host.reallocateSlots();
    if (!(slots instanceof NotEnoughSlotsError)) {
      log('job %s moves off lost TaskManager(s) %s', this.jobId, [...this.lostTaskManagers].join(', '));
      this.slots = slots;
      this.lostTaskManagers.clear();
      if (this.slotRequest !== undefined) this.cancelTimer(this.slotRequest);
      this.slotRequest = undefined;
      return true;
    }
    if (this.slotRequest === undefined) {
      const timeout = this.host.slotRequestTimeoutMs;
      log('job %s waits up to %d ms for slots: %s', this.jobId, timeout, slots.message);
      this.slotRequest = this.schedule(timeout, () =>
        this.terminate(
          'FAILED',
          new Error(
            `the job lost TaskManager(s) ${[...this.lostTaskManagers].join(', ')} and no TaskManager offered enough slots within the slot request timeout of ${timeout} ms: ${slots.message}`,
          ),
        ),
      );
    }
    return false;
  }

  /** Asks every TaskManager of the job to cancel and stop its subtasks. */
  private release(reason: ReleaseReason, failure: Error | undefined): void {
    if (failure) this.failure = failure;
    this.releaseReason = reason;
    if (reason === 'FINISHED') this.status = 'FINISHED';
    else this.setStatus(reason === 'RESTARTING' ? 'RESTARTING' : reason);
    if (reason !== 'RESTARTING') this.coordinator?.shutdownCoordinator(`the job is ${reason}`);
    const tms = new Set(this.slots!.placement.values());
    this.awaitingRelease = tms;
    for (const tmId of tms) this.host.release(tmId, this.jobId);
  }

  private terminate(status: JobStatus, failure: Error | undefined): void {
    this.endTime = this.host.clock.now();
    this.coordinator?.shutdownCoordinator(`the job is ${status}`);
    this.directoryLock?.release();
    this.directoryLock = undefined;
    for (const t of this.timers) this.host.clock.clearTimeout(t);
    this.timers.clear();
    this.setStatus(status);
    this.host.onTerminated();
    if (status === 'FAILED' && failure) {
      if (failure !== this.recordedFailure) this.recordFailure(failure, false);
      this.reporter.report({
        type: 'failed',
        jobName: this.submission.jobGraph.jobName,
        jobId: this.jobId,
        numRestarts: this.restartCount,
        cause: failure.message,
      });
    }
    const { listener, jobGraph } = this.submission;
    if (status === 'FINISHED') {
      listener.onTerminated({
        result: jobResult({
          jobId: this.jobId,
          jobGraph,
          executions: [...this.executions.values()],
          startTime: this.startTime,
          endTime: this.endTime,
          numRestarts: this.restartCount,
          checkpoints: this.coordinator?.statsSnapshot(),
        }),
      });
    } else if (status === 'CANCELED') listener.onTerminated({ error: new JobExecutionError(jobGraph.jobName, new Error('the job was cancelled')) });
    else listener.onTerminated({ error: failure instanceof NotEnoughSlotsError ? failure : new JobExecutionError(jobGraph.jobName, failure) });
  }

  private recordFailure(error: Error, restarted: boolean): void {
    this.recordedFailure = error;
    const taskManagerOf = (taskName: string, subtaskIndex: number): number | undefined =>
      [...this.executions.values()].find((r) => r.execution.vertex.name === taskName && r.execution.subtaskIndex === subtaskIndex)?.taskManagerId;
    this.exceptionHistory.add(failureRecord(error, this.host.clock.now(), restarted, taskManagerOf));
  }

  /** Another job may write the checkpoint directory now: stop, rather than both writing it. */
  private onCheckpointDirectoryLost(error: Error): void {
    this.directoryLock = undefined;
    if (isGloballyTerminal(this.status)) return;
    log('job %s: %s', this.jobId, error.message);
    if (this.status === 'RESTARTING' && this.awaitingRelease.size === 0) {
      if (this.restartTimer !== undefined) this.cancelTimer(this.restartTimer);
      this.terminate('FAILED', error);
      return;
    }
    this.coordinator?.stopPeriodicScheduler();
    this.release('FAILING', error);
  }

  private setStatus(status: JobStatus): void {
    this.status = status;
    log('job %s (%s) %s', this.submission.jobGraph.jobName, this.jobId, status);
    this.submission.listener.onStatusChange(status);
  }

  private checkpointParticipants(): { waitFor: string[]; trigger: string[]; finished: string[] } | string {
    if (this.status !== 'RUNNING') return `the job is ${this.status}`;
    const waitFor: string[] = [];
    const trigger: string[] = [];
    const finished: string[] = [];
    for (const r of this.executions.values()) {
      if (r.state === 'FINISHED') {
        finished.push(r.key);
        continue;
      }
      if (r.state !== 'RUNNING') return `subtask ${r.key} of '${r.execution.vertex.name}' is ${r.state}, not RUNNING`;
      waitFor.push(r.key);
      if (r.execution.vertex.headNode.kind === 'source') trigger.push(r.key);
    }
    return { waitFor, trigger, finished };
  }

  private sendTrigger(key: string, barrier: CheckpointBarrier): void {
    const record = this.executions.get(`${this.jobId}:${key}:${this.attempt}`);
    if (record?.ref) this.host.tellSubtask(record.ref, { type: 'triggerCheckpoint', barrier });
  }

  private tellRunning(message: TaskMessage): void {
    for (const r of this.executions.values()) if (r.ref && r.state === 'RUNNING') this.host.tellSubtask(r.ref, message);
  }

  /** Async work (file reads and writes) a test harness on the manual clock must wait for. */
  private track<T>(work: Promise<T>): Promise<T> {
    this.host.trackAsync(work);
    return work;
  }

  /**
   * A timer whose callback runs in the JobManager's mailbox (in its next turn for a delay of 0),
   * unless the job has terminated by then.
   */
  private schedule(delayMs: number, fn: () => void): TimerHandle {
    const post = (): void =>
      this.host.post(() => {
        if (!isGloballyTerminal(this.status)) fn();
      });
    if (delayMs <= 0) {
      post();
      return NO_TIMER;
    }
    const handle: TimerHandle = this.host.clock.setTimeout(() => {
      this.timers.delete(handle);
      post();
    }, delayMs);
    this.timers.add(handle);
    return handle;
  }

  private cancelTimer(handle: TimerHandle): void {
    if (handle === NO_TIMER) return;
    this.timers.delete(handle);
    this.host.clock.clearTimeout(handle);
  }
}
