import { CompletedCheckpoint, SubtaskCheckpointStats } from '../runtime/checkpoint/CheckpointMetadata';
import { CheckpointStatsSnapshot, CompletedCheckpointStats } from '../runtime/checkpoint/CheckpointStats';

const HISTORY = 10;

/** Flink's CheckpointStatsTracker: counts, the latest completed/failed/restored, a short history. */
export class CheckpointStatsTracker {
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
