import { JobEvent } from '../../lib/controlplane/JobEventReporter';
import { JobStatus } from '../../lib/api/JobStatus';
import { JobMaster } from '../../lib/controlplane/JobMaster';
import { JobMasterHost } from '../../lib/controlplane/JobMasterHost';
import { JobOutcome, JobSettings } from '../../lib/controlplane/JobSubmission';
import { SlotAssignment, SlotPool } from '../../lib/controlplane/SlotPool';
import { SubtaskDeployment, SubtaskWiring } from '../../lib/controlplane/SubtaskWiring';
import { JobGraph } from '../../lib/graph/JobGraph';
import { StateHandle } from '../../lib/runtime/checkpoint/CheckpointMetadata';
import { TaskFailure } from '../../lib/runtime/errors';
import { DEFAULT_TASK_CONFIG } from '../../lib/runtime/TaskConfig';
import { TaskMessage } from '../../lib/runtime/TaskMessage';
import { ManualClock } from '../../lib/time/ManualClock';

/** A subtask as the fake host addresses it: its execution id. */
type SubtaskRef = string;

/**
 * A JobMaster with the cluster replaced by a script: the host records what the JobMaster asks
 * (deploy, release, start, tell) and the test answers as TaskManagers would. Time is a
 * ManualClock; `settle` runs the JobManager's mailbox and waits for tracked async work (restore
 * and checkpoint files) until nothing is left.
 */
export class JobMasterHarness {
  readonly clock = new ManualClock(0);
  readonly job: JobMaster<SubtaskRef>;
  readonly statuses: JobStatus[] = [];
  /** What the JobMaster reported to the user (restarts, the final failure, declined checkpoints). */
  readonly events: JobEvent[] = [];
  outcome: JobOutcome | undefined;
  /** Deployments per TaskManager not yet answered. */
  readonly pendingDeploys = new Map<number, SubtaskDeployment[]>();
  /** Every deployment the JobManager sent, in order. */
  readonly deployments: SubtaskDeployment[] = [];
  /** TaskManagers asked to release the job and not yet answered. */
  readonly pendingReleases = new Set<number>();
  readonly started = new Map<SubtaskRef, SubtaskWiring<SubtaskRef>>();
  readonly told: Array<{ readonly subtask: SubtaskRef; readonly message: TaskMessage }> = [];
  terminatedCalls = 0;
  /** The JobManager's slots: TaskManagers lost and registered by the test. */
  readonly pool = new SlotPool();
  private held: SlotAssignment | undefined;
  private readonly mailbox: Array<() => void> = [];
  private readonly tracked = new Set<Promise<unknown>>();

  constructor(jobGraph: JobGraph, settings: JobSettings, taskManagers = 2, slotRequestTimeoutMs = 10_000) {
    const host: JobMasterHost<SubtaskRef> = {
      clock: this.clock,
      deploy: (tm, _jobId, deployments) => {
        this.pendingDeploys.set(tm, [...(this.pendingDeploys.get(tm) ?? []), ...deployments]);
        this.deployments.push(...deployments);
      },
      release: (tm) => this.pendingReleases.add(tm),
      startSubtask: (subtask, wiring) => this.started.set(subtask, wiring),
      tellSubtask: (subtask, message) => this.told.push({ subtask, message }),
      post: (fn) => this.mailbox.push(fn),
      trackAsync: (work) => {
        this.tracked.add(work);
        const done = (): void => void this.tracked.delete(work);
        work.then(done, done);
      },
      onTerminated: () => {
        this.terminatedCalls++;
        if (this.held) this.pool.release(this.held);
        this.held = undefined;
      },
      slotRequestTimeoutMs,
      reallocateSlots: () => {
        if (this.held) this.pool.release(this.held);
        const slots = this.pool.allocate(jobGraph, this.job.graph.executions);
        this.held = slots instanceof Error ? undefined : slots;
        return slots;
      },
    };
    this.job = new JobMaster<SubtaskRef>(
      {
        jobId: 'job-under-test',
        jobGraph,
        config: DEFAULT_TASK_CONFIG,
        listener: { onStatusChange: (s) => this.statuses.push(s), onTerminated: (o) => (this.outcome = o) },
        reporter: { report: (e) => this.events.push(e) },
        ...settings,
      },
      host,
    );
    for (let tm = 0; tm < taskManagers; tm++) this.pool.registerTaskManager(tm, 1);
    const slots = this.pool.allocate(jobGraph, this.job.graph.executions);
    if (slots instanceof Error) throw slots;
    this.held = slots;
    this.job.start(slots);
  }

  /** Runs the mailbox and waits for tracked work until both are empty. */
  async settle(): Promise<void> {
    for (;;) {
      while (this.mailbox.length > 0) this.mailbox.shift()!();
      if (this.tracked.size === 0) return;
      await Promise.allSettled([...this.tracked]);
      // Let the continuations of the tracked work post their results.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async advance(ms: number): Promise<void> {
    this.clock.advance(ms);
    await this.settle();
  }

  /** Every TaskManager answers its pending deployment: the subtasks are spawned. */
  async deployAll(): Promise<void> {
    const answered = [...this.pendingDeploys];
    this.pendingDeploys.clear();
    for (const [tm, deployments] of answered) {
      this.job.onDeployed(
        tm,
        deployments.map((d) => ({ executionId: d.executionId, ref: d.executionId })),
      );
    }
    await this.settle();
  }

  /** TaskManager `tm` is gone, as the JobManager tells its jobs; its host fails its subtasks. */
  async loseTaskManager(tm: number): Promise<void> {
    this.pool.removeTaskManager(tm);
    this.job.onTaskManagerLost(tm);
    await this.settle();
  }

  /** A TaskManager offers `slots` slots. */
  async registerTaskManager(tm: number, slots: number): Promise<void> {
    this.pool.registerTaskManager(tm, slots);
    this.job.onSlotsAvailable();
    await this.settle();
  }

  /** The current attempt's subtasks report a state. */
  async report(state: 'RUNNING' | 'FINISHED'): Promise<void> {
    for (const id of this.currentExecutionIds()) this.job.onSubtaskState(id, state);
    await this.settle();
  }

  async fail(executionId: string, message: string): Promise<void> {
    this.job.onSubtaskState(executionId, 'FAILED', new TaskFailure('Source: Test Source', 0, 2, new Error(message)));
    await this.settle();
  }

  /** Every TaskManager asked to release the job answers that it did. */
  async releaseAll(): Promise<void> {
    const answered = [...this.pendingReleases];
    this.pendingReleases.clear();
    for (const tm of answered) this.job.onReleased(tm);
    await this.settle();
  }

  /** Every subtask of the current attempt acknowledges checkpoint `checkpointId` with no state. */
  async acknowledgeAll(checkpointId: number, state: StateHandle | undefined = undefined): Promise<void> {
    for (const id of this.currentExecutionIds()) {
      this.job.onAcknowledge(id, checkpointId, state, { alignmentDurationMs: 0, syncDurationMs: 0, asyncDurationMs: 0, stateSize: 0 });
    }
    await this.settle();
  }

  currentExecutionIds(): string[] {
    return [...this.job.executions.keys()];
  }

  /** The checkpoint ids the JobMaster triggered, in order. */
  triggeredCheckpoints(): number[] {
    const ids = this.told.flatMap((t) => (t.message.type === 'triggerCheckpoint' ? [t.message.barrier.checkpointId] : []));
    return [...new Set(ids)];
  }
}
