import { StateHandle } from './CheckpointMetadata';
import { readStateHandle, warnOnStderr } from './CheckpointStorage';

/** The state a subtask acknowledged in the newest checkpoint or savepoint that completed. */
interface AcknowledgedState {
  readonly checkpointId: number;
  readonly pointer: string | undefined;
  readonly handle: StateHandle | null;
}

/**
 * The final state of each finished subtask, which every later checkpoint carries unchanged (so
 * that a restore gives the subtask back the state it finished with). A subtask finishes once its
 * final checkpoint or savepoint completed, so that state is the one it acknowledged in the
 * newest completed snapshot, whichever kind. Kept per attempt: after a restart every subtask
 * runs, and finishes, anew.
 */
export class FinishedSubtaskStates {
  private readonly acknowledged = new Map<string, AcknowledgedState>();
  private readonly finished = new Map<string, Promise<Uint8Array | null>>();

  /** A checkpoint or savepoint completed with these acknowledged states (by subtask key). */
  snapshotCompleted(checkpointId: number, pointer: string | undefined, states: ReadonlyMap<string, StateHandle | null>): void {
    for (const [key, handle] of states) {
      const known = this.acknowledged.get(key);
      if (!known || known.checkpointId < checkpointId) this.acknowledged.set(key, { checkpointId, pointer, handle });
    }
  }

  /**
   * The subtask finished: its final state, read now (retention may delete that directory
   * later). A read error surfaces in the checkpoint that needs the bytes.
   */
  subtaskFinished(key: string): Promise<Uint8Array | null> {
    const final = this.acknowledged.get(key);
    const bytes = final?.handle
      ? readStateHandle(final.pointer, final.handle, (m) => warnOnStderr(`checkpoint ${final.checkpointId}: ${m}`))
      : Promise.resolve(null);
    bytes.catch(() => undefined);
    this.finished.set(key, bytes);
    return bytes;
  }

  /** The final state of a subtask finished in this attempt, if it finished. */
  finalStateOf(key: string): Promise<Uint8Array | null> | undefined {
    return this.finished.get(key);
  }

  /** Every subtask goes away (restart, cancel). */
  clear(): void {
    this.acknowledged.clear();
    this.finished.clear();
  }
}
