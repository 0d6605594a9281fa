import { CheckpointingMode } from '../runtime/checkpoint/CheckpointBarrier';
import { CHECKPOINT_DEFAULTS, CheckpointConfigData } from '../runtime/checkpoint/CheckpointConfigData';
import { checkReplicas } from '../runtime/checkpoint/CheckpointLocation';
import { CheckpointStorageConfig } from '../runtime/checkpoint/CheckpointStorage';

/** How a checkpoint storage writes its files. */
export interface CheckpointStorageOptions {
  /** Copies of every checkpoint file, in the checkpoint's own directory (default 2). */
  readonly replicas?: number;
}

/**
 * Flink's CheckpointConfig: how often and how a job checkpoints. Checkpointing is off until an
 * interval is set (env.enableCheckpointing(ms) or setCheckpointInterval). Defaults as Flink's:
 * EXACTLY_ONCE, 10 min timeout, no min pause, 1 concurrent checkpoint, no tolerated failure,
 * in-memory storage, 1 retained checkpoint.
 */
export class CheckpointConfig {
  private intervalMs = -1;
  private mode: CheckpointingMode = CHECKPOINT_DEFAULTS.mode;
  private timeoutMs: number = CHECKPOINT_DEFAULTS.timeoutMs;
  private minPauseMs: number = CHECKPOINT_DEFAULTS.minPauseBetweenCheckpointsMs;
  private maxConcurrent: number = CHECKPOINT_DEFAULTS.maxConcurrentCheckpoints;
  private tolerableFailures: number = CHECKPOINT_DEFAULTS.tolerableCheckpointFailureNumber;
  private storage: CheckpointStorageConfig = { type: 'memory' };
  private retained: number = CHECKPOINT_DEFAULTS.numRetainedCheckpoints;
  private savepointDirectory: string | undefined;

  isCheckpointingEnabled(): boolean {
    return this.intervalMs > 0;
  }

  setCheckpointInterval(intervalMs: number): this {
    // Flink: the minimal checkpoint interval is 10 ms.
    if (!Number.isFinite(intervalMs) || intervalMs < 10) throw new RangeError(`checkpoint interval must be at least 10 ms, got ${intervalMs}`);
    this.intervalMs = intervalMs;
    return this;
  }

  getCheckpointInterval(): number {
    return this.intervalMs;
  }

  setCheckpointingMode(mode: CheckpointingMode): this {
    if (mode !== 'EXACTLY_ONCE' && mode !== 'AT_LEAST_ONCE')
      throw new RangeError(`checkpointing mode must be EXACTLY_ONCE or AT_LEAST_ONCE, got ${String(mode)}`);
    this.mode = mode;
    return this;
  }

  getCheckpointingMode(): CheckpointingMode {
    return this.mode;
  }

  setCheckpointTimeout(timeoutMs: number): this {
    if (!(timeoutMs >= 1)) throw new RangeError(`checkpoint timeout must be at least 1 ms, got ${timeoutMs}`);
    this.timeoutMs = timeoutMs;
    return this;
  }

  setMinPauseBetweenCheckpoints(minPauseMs: number): this {
    if (!(minPauseMs >= 0)) throw new RangeError(`min pause must be >= 0, got ${minPauseMs}`);
    this.minPauseMs = minPauseMs;
    return this;
  }

  setMaxConcurrentCheckpoints(n: number): this {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`max concurrent checkpoints must be a positive integer, got ${n}`);
    this.maxConcurrent = n;
    return this;
  }

  setTolerableCheckpointFailureNumber(n: number): this {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`tolerable checkpoint failures must be an integer >= 0, got ${n}`);
    this.tolerableFailures = n;
    return this;
  }

  /**
   * A directory (one folder per checkpoint, written atomically), or 'memory' (the default).
   * `replicas`: copies of every file a checkpoint (or, with 'memory', a savepoint) writes,
   * default 2, so that a torn or bit-flipped copy is read around; 1 writes a single copy.
   */
  setCheckpointStorage(storage: string | CheckpointStorageConfig, options: CheckpointStorageOptions = {}): this {
    const config: CheckpointStorageConfig =
      typeof storage === 'string' ? (storage === 'memory' ? { type: 'memory' } : { type: 'filesystem', directory: storage }) : storage;
    const replicas = options.replicas ?? config.replicas;
    if (replicas !== undefined) checkReplicas(replicas);
    this.storage = replicas === undefined ? config : { ...config, replicas };
    return this;
  }

  getCheckpointStorage(): CheckpointStorageConfig {
    return this.storage;
  }

  /** Completed checkpoints to keep (Flink's state.checkpoints.num-retained). */
  setNumRetainedCheckpoints(n: number): this {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`retained checkpoints must be a positive integer, got ${n}`);
    this.retained = n;
    return this;
  }

  /** Where savepoints go when no directory is given (Flink's state.savepoints.dir). */
  setDefaultSavepointDirectory(directory: string): this {
    this.savepointDirectory = directory;
    return this;
  }

  /** @internal The settings as plain data, for the JobManager. */
  toData(): CheckpointConfigData {
    return {
      intervalMs: this.intervalMs,
      mode: this.mode,
      timeoutMs: this.timeoutMs,
      minPauseBetweenCheckpointsMs: this.minPauseMs,
      maxConcurrentCheckpoints: this.maxConcurrent,
      tolerableCheckpointFailureNumber: this.tolerableFailures,
      storage: this.storage,
      numRetainedCheckpoints: this.retained,
      defaultSavepointDirectory: this.savepointDirectory,
    };
  }
}
