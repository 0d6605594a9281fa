import { CompletedCheckpoint, SubtaskCheckpointStats } from '../lib/runtime/checkpoint/CheckpointMetadata';
import { CheckpointStatsSnapshot, CompletedCheckpointStats } from '../lib/runtime/checkpoint/CheckpointStats';
import type { CheckpointStats as RestCheckpoint, CheckpointStatsSnapshot as RestCheckpointStats } from './JobManagerQueries';

const HISTORY = 10;

/** Flink's CheckpointStatsTracker: counts, the latest completed/failed/restored, a short history. */
export class CheckpointStats {
  private numTriggered = 0;
  private numCompleted = 0;
  private numFailed = 0;
  private numRestored = 0;
  private readonly history: CompletedCheckpointStats[] = [];
  private latestFailed: CheckpointStatsSnapshot['latestFailed'];
  private latestRestored: CheckpointStatsSnapshot['latestRestored'];

  triggered(): void {
    this.numTriggered++;
  }

  completed(checkpoint: CompletedCheckpoint, subtasks: readonly SubtaskCheckpointStats[]): void {
    this.numCompleted++;
    const max = (f: (s: SubtaskCheckpointStats) => number): number => subtasks.reduce((m, s) => Math.max(m, f(s)), 0);
    this.history.push({
      checkpointId: checkpoint.checkpointId,
      kind: checkpoint.kind,
      triggerTime: checkpoint.timestamp,
      durationMs: checkpoint.completionTime - checkpoint.timestamp,
      stateSize: checkpoint.stateSize,
      numSubtasks: subtasks.length,
      maxAlignmentDurationMs: max((s) => s.alignmentDurationMs),
      maxSyncDurationMs: max((s) => s.syncDurationMs),
      maxAsyncDurationMs: max((s) => s.asyncDurationMs),
      path: checkpoint.externalPointer,
    });
    if (this.history.length > HISTORY) this.history.shift();
  }

  failed(checkpointId: number, reason: string, failureTime: number): void {
    this.numFailed++;
    this.latestFailed = { checkpointId, reason, failureTime };
  }

  restored(checkpoint: CompletedCheckpoint, restoreTime: number): void {
    this.numRestored++;
    this.latestRestored = { checkpointId: checkpoint.checkpointId, path: checkpoint.externalPointer, restoreTime };
  }

  snapshot(inProgress: number): CheckpointStatsSnapshot {
    return {
      counts: { triggered: this.numTriggered, inProgress, completed: this.numCompleted, failed: this.numFailed, restored: this.numRestored },
      latestCompleted: this.history[this.history.length - 1],
      latestFailed: this.latestFailed,
      latestRestored: this.latestRestored,
      history: [...this.history],
    };
  }
}

/** The REST API's shape (Flink's /jobs/:id/checkpoints), most recent first. */
export function toRestCheckpointStats(s: CheckpointStatsSnapshot): RestCheckpointStats {
  const completed = (c: CompletedCheckpointStats): RestCheckpoint => ({
    id: c.checkpointId,
    status: 'COMPLETED',
    isSavepoint: c.kind !== 'CHECKPOINT',
    triggerTimestamp: c.triggerTime,
    latestAckTimestamp: c.triggerTime + c.durationMs,
    endToEndDurationMs: c.durationMs,
    stateSize: c.stateSize,
    numSubtasks: c.numSubtasks,
    numAcknowledgedSubtasks: c.numSubtasks,
  });
  const history = [...s.history].reverse().map(completed);
  const failed: RestCheckpoint | undefined = s.latestFailed && {
    id: s.latestFailed.checkpointId,
    status: 'FAILED',
    isSavepoint: false,
    triggerTimestamp: s.latestFailed.failureTime,
    latestAckTimestamp: undefined,
    endToEndDurationMs: 0,
    stateSize: 0,
    numSubtasks: 0,
    numAcknowledgedSubtasks: 0,
    failureMessage: s.latestFailed.reason,
  };
  const c = s.counts;
  return {
    counts: { restored: c.restored, total: c.triggered, inProgress: c.inProgress, completed: c.completed, failed: c.failed },
    latestCompleted: history.find((h) => !h.isSavepoint),
    latestSavepoint: history.find((h) => h.isSavepoint),
    latestFailed: failed,
    restored: s.latestRestored && { id: s.latestRestored.checkpointId, restoreTimestamp: s.latestRestored.restoreTime, isSavepoint: s.latestRestored.path !== undefined && !/chk-\d+$/.test(s.latestRestored.path) },
    history,
  };
}
