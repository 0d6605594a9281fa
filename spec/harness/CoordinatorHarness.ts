import { CheckpointCoordinator, CheckpointCoordinatorContext } from '../../lib/controlplane/CheckpointCoordinator';
import { SnapshotOutcome } from '../../lib/controlplane/JobSubmission';
import { JobGraph } from '../../lib/graph/JobGraph';
import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { CheckpointBarrier, SnapshotKind } from '../../lib/runtime/checkpoint/CheckpointBarrier';
import { CHECKPOINT_DEFAULTS, CheckpointConfigData } from '../../lib/runtime/checkpoint/CheckpointConfigData';
import { StateHandle, SubtaskCheckpointStats } from '../../lib/runtime/checkpoint/CheckpointMetadata';
import { CheckpointStorage, MemoryCheckpointStorage } from '../../lib/runtime/checkpoint/CheckpointStorage';
import { ManualClock } from '../../lib/time/ManualClock';
import { TestSource } from './TestSource';

const NO_STATS: SubtaskCheckpointStats = { alignmentDurationMs: 0, syncDurationMs: 0, asyncDurationMs: 0, stateSize: 0 };

/** A job of one vertex: a source of parallelism `parallelism` (every subtask is triggered). */
export function sourceOnlyJobGraph(parallelism: number): JobGraph {
  const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism });
  env
    .fromSource(new TestSource<string>(parallelism), undefined, 'Test Source')
    .uid('source')
    .map((s) => s);
  return env.getJobGraph('coordinator test');
}

/**
 * A CheckpointCoordinator with the JobManager replaced by a script: the test says which
 * subtasks run or finished, acknowledges for them, and reads what the coordinator told the
 * subtasks. Time is a ManualClock; `settle` runs the coordinator's mailbox work (timers of 0 ms)
 * and waits for its tracked storage work, as the JobManager's harness does.
 */
export class CoordinatorHarness {
  readonly clock = new ManualClock(0);
  readonly jobGraph: JobGraph;
  readonly coordinator: CheckpointCoordinator;
  readonly keys: readonly string[];
  readonly running: Set<string>;
  readonly finished = new Set<string>();
  readonly triggered: CheckpointBarrier[] = [];
  readonly notifiedComplete: number[] = [];
  readonly notifiedAborted: number[] = [];
  readonly jobFailures: Error[] = [];
  /** What the coordinator warned the user about declined checkpoints: `id: reason`. */
  readonly declineWarnings: string[] = [];
  /** Set: the JobMaster cannot take a checkpoint now, for this reason (subtasks still deploying, …). */
  unavailable: string | undefined;
  private pendingWork = 0;

  constructor(
    storage: CheckpointStorage = new MemoryCheckpointStorage(),
    config: Partial<CheckpointConfigData> = {},
    parallelism = 2,
    recordCompleted?: CheckpointCoordinatorContext['recordCompleted'],
  ) {
    this.jobGraph = sourceOnlyJobGraph(parallelism);
    const vertex = this.jobGraph.vertices[0];
    this.keys = Array.from({ length: parallelism }, (_, i) => `${vertex.id}.${i}`);
    this.running = new Set(this.keys);
    const context: CheckpointCoordinatorContext = {
      jobId: 'f0f0f0f0-job',
      jobGraph: this.jobGraph,
      clock: this.clock,
      schedule: (ms, fn) => this.clock.setTimeout(fn, ms),
      cancel: (h) => this.clock.clearTimeout(h),
      participants: () => this.unavailable ?? { waitFor: [...this.running], trigger: [...this.running], finished: [...this.finished] },
      sendTrigger: (_key, barrier) => {
        if (!this.triggered.includes(barrier)) this.triggered.push(barrier);
      },
      notifyComplete: (id) => this.notifiedComplete.push(id),
      recordCompleted,
      notifyAborted: (id) => this.notifiedAborted.push(id),
      failJob: (e) => this.jobFailures.push(e),
      warnDeclined: (id, reason) => this.declineWarnings.push(`${id}: ${reason}`),
      track: <T>(work: Promise<T>): Promise<T> => {
        this.pendingWork++;
        const done = (): void => void this.pendingWork--;
        work.then(done, done);
        return work;
      },
    };
    this.coordinator = new CheckpointCoordinator(
      context,
      { intervalMs: 1000, storage: { type: 'memory' }, defaultSavepointDirectory: undefined, ...CHECKPOINT_DEFAULTS, ...config },
      storage,
      1,
    );
  }

  /** Triggers a checkpoint or savepoint on demand; the outcome lands in the returned list. */
  trigger(kind: SnapshotKind = 'CHECKPOINT', directory?: string): SnapshotOutcome[] {
    const outcomes: SnapshotOutcome[] = [];
    this.coordinator.triggerSnapshot(kind, directory, (o) => outcomes.push(o));
    return outcomes;
  }

  /** The barrier of the latest triggered checkpoint. */
  get lastBarrier(): CheckpointBarrier {
    const b = this.triggered[this.triggered.length - 1];
    if (!b) throw new Error('no checkpoint was triggered');
    return b;
  }

  acknowledge(subtask: number, checkpointId: number, state: StateHandle | undefined): void {
    this.coordinator.acknowledge(this.keys[subtask], checkpointId, state, NO_STATS);
  }

  /** The subtask finished (as the JobMaster reports a FINISHED subtask). */
  finish(subtask: number): void {
    this.running.delete(this.keys[subtask]);
    this.finished.add(this.keys[subtask]);
    this.coordinator.subtaskFinished(this.keys[subtask]);
  }

  /** A failover: every subtask goes away and the next attempt runs them all again. */
  failOver(): void {
    this.coordinator.abortPendingCheckpoints('the job is failing over');
    this.finished.clear();
    for (const k of this.keys) this.running.add(k);
  }

  /** Runs what is due now and waits for storage work, until nothing is left. */
  async settle(): Promise<void> {
    for (let quiet = 0; quiet < 2;) {
      await new Promise((resolve) => setImmediate(resolve));
      const due = this.clock.nextDue();
      if (due !== undefined && due <= this.clock.now()) {
        this.clock.advance(0);
        quiet = 0;
      } else if (this.pendingWork > 0) quiet = 0;
      else quiet++;
    }
  }
}
