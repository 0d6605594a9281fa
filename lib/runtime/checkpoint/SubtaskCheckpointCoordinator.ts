import type { TraceLog } from '../../util/TraceLog';
import v8 from 'v8';
import { Clock } from '../../time/Clock';
import { ChainedOperator } from '../OperatorChain';
import { RecordWriterOutput } from '../RecordWriterOutput';
import { OperatorStateSnapshot } from '../state/OperatorStateSnapshot';
import { describeUncloneableState } from '../state/UncloneableState';
import { CheckpointBarrier } from './CheckpointBarrier';
import { StateHandle, SubtaskCheckpointStats } from './CheckpointMetadata';
import { persistSubtaskState } from './CheckpointStorage';
import { operatorIdOf } from './OperatorId';

/** How a subtask answers the checkpoint coordinator. */
export interface CheckpointResponder {
  acknowledgeCheckpoint(checkpointId: number, state: StateHandle | undefined, stats: SubtaskCheckpointStats): void;
  /** `countsAsFailure`: an error (a failed write), not merely a task that cannot take part now. */
  declineCheckpoint(checkpointId: number, reason: string, countsAsFailure: boolean): void;
}

/**
 * The task side of a checkpoint (Flink's SubtaskCheckpointCoordinatorImpl). At the barrier, in
 * the mailbox: every operator of the chain hands over its snapshot (cheap: a reference or a
 * copy-on-write view), and the barrier goes downstream. After that, off the record path: the
 * operators' pre-commits complete, the snapshots are serialized and written, and only then is
 * the checkpoint acknowledged.
 */
export class SubtaskCheckpointCoordinator {
  constructor(
    private readonly stateFileName: string,
    private readonly clock: Clock,
    private readonly responder: CheckpointResponder,
    private readonly log: TraceLog,
    /** Called in the task's mailbox once the acknowledgement went out. */
    /** Lets a harness on the manual clock wait for the asynchronous part. */
    private readonly track: (work: Promise<unknown>) => void = () => undefined,
  ) {}

  checkpointState(
    barrier: CheckpointBarrier,
    operators: readonly ChainedOperator[],
    writers: readonly RecordWriterOutput[],
    alignmentDurationMs: number,
  ): void {
    const { checkpointId, timestamp } = barrier;
    const start = this.clock.now();
    const snapshots: Record<string, OperatorStateSnapshot> = {};
    for (const op of operators) {
      const s = op.operator.snapshotState?.({ checkpointId, timestamp });
      if (s && ((s.keyed?.size ?? 0) > 0 || (s.operator?.length ?? 0) > 0)) snapshots[operatorIdOf(op.node)] = s;
    }
    for (const w of writers) w.broadcastBarrier(barrier);
    const preCommits: Promise<void>[] = [];
    for (const op of operators) {
      const p = op.operator.preCommit?.(checkpointId);
      if (p) preCommits.push(p);
    }
    const syncDurationMs = this.clock.now() - start;
    this.track(this.finishAsync(barrier, snapshots, operators, preCommits, alignmentDurationMs, syncDurationMs));
  }

  private async finishAsync(
    barrier: CheckpointBarrier,
    snapshots: Record<string, OperatorStateSnapshot>,
    operators: readonly ChainedOperator[],
    preCommits: Promise<void>[],
    alignmentDurationMs: number,
    syncDurationMs: number,
  ): Promise<void> {
    const { checkpointId } = barrier;
    const start = this.clock.now();
    try {
      await Promise.all(preCommits);
      // Yield first: the records behind the barrier go on before the state is serialized.
      await new Promise<void>((resolve) => setImmediate(resolve));
      let handle: StateHandle | undefined;
      let stateSize = 0;
      if (Object.keys(snapshots).length > 0) {
        const bytes = serialize(snapshots, operators);
        stateSize = bytes.length;
        handle = await persistSubtaskState(barrier.location, this.stateFileName, bytes);
      }
      const stats: SubtaskCheckpointStats = { alignmentDurationMs, syncDurationMs, asyncDurationMs: this.clock.now() - start, stateSize };
      this.log('acknowledges checkpoint %d (%d bytes, sync %d ms, async %d ms)', checkpointId, stateSize, syncDurationMs, stats.asyncDurationMs);
      this.responder.acknowledgeCheckpoint(checkpointId, handle, stats);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      this.log('declines checkpoint %d: %s', checkpointId, reason);
      this.responder.declineCheckpoint(checkpointId, reason, true);
    }
  }
}

/** The snapshots as bytes; when a value cannot be serialized, an error that names its state and key. */
function serialize(snapshots: Record<string, OperatorStateSnapshot>, operators: readonly ChainedOperator[]): Buffer {
  try {
    return v8.serialize(snapshots);
  } catch (e) {
    const names = new Map(operators.map((op) => [operatorIdOf(op.node), op.node.name]));
    const reason = describeUncloneableState(snapshots, (id) => names.get(id) ?? id);
    throw reason === undefined ? e : new Error(reason);
  }
}
