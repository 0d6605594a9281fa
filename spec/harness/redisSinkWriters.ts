import { RedisStreamSink, RedisTransaction } from '../../lib/connectors/redis/RedisStreamSink';
import { TwoPhaseCommitWriter } from '../../lib/connectors/sink/TwoPhaseCommitSink';

/** A writer of a Redis stream sink of strings, the kind the sink specs drive. */
export type Writer = TwoPhaseCommitWriter<string, RedisTransaction>;

/** The record context the specs pass to `invoke`: the sink reads none of it. */
export const RECORD = { timestamp: undefined, currentWatermark: 0, currentProcessingTime: 0 };

export interface RedisSinkWriterOptions {
  readonly url: string;
  /** The stream written to: 'out' unless given. */
  readonly stream?: string;
  readonly transactionPrefix?: string;
  readonly connectTimeoutMs?: number;
  /** The checkpoint the run restored (a fresh start without). */
  readonly restoredCheckpointId?: number;
  /** The subtask index: 0 (the one that cleans up orphans) unless given. */
  readonly subtask?: number;
  /** Collects what the writer reports on stderr; it is dropped without. */
  readonly stderr?: string[];
}

/**
 * A writer of subtask `subtask` of run `jobId`/`attempt`, as the sink operator creates it. The
 * caller closes it.
 */
export function redisSinkWriter<T = string>(jobId: string, attempt: number, options: RedisSinkWriterOptions): TwoPhaseCommitWriter<T, RedisTransaction> {
  const { url, stream = 'out', transactionPrefix, connectTimeoutMs, restoredCheckpointId, subtask = 0, stderr } = options;
  return new RedisStreamSink<T>({ url, stream, transactionPrefix, connectTimeoutMs }).createWriter({
    subtaskIndex: subtask,
    parallelism: 2,
    taskName: 'sink',
    stdout: { write: () => undefined },
    stderr: { write: (text: string) => void stderr?.push(text) },
    jobId,
    attemptNumber: attempt,
    restoredCheckpointId,
  });
}

/** Stages `values` in a new transaction opened after `checkpointId`, pre-committed. */
export async function stageTransaction(w: Writer, checkpointId: number, ...values: string[]): Promise<RedisTransaction> {
  const txn = w.beginTransaction(checkpointId);
  for (const v of values) w.invoke(txn, v, RECORD);
  await w.preCommit(txn);
  return txn;
}
