import { CoordinationStore, Operation } from './CoordinationStore';
import { Fence } from './FencingToken';
import { HaKeys } from './HaKeys';
import { fencedTransaction } from './fencedTransaction';
import { checkArgument } from '../util/checkArgument';

/**
 * Where a completed checkpoint's data lies. The data itself stays in checkpoint storage (a
 * directory every node reaches); the coordination store holds only this small pointer, as
 * Flink's ZooKeeper/Kubernetes stores hold a state handle, not the state.
 */
export interface CheckpointPointer {
  readonly jobId: string;
  readonly checkpointId: number;
  /** The completed checkpoint's path in checkpoint storage. */
  readonly location: string;
  readonly timestamp: number;
}

/**
 * The latest completed checkpoints of each job, as Flink's CompletedCheckpointStore: a new leader
 * restores from the latest. Every write is fenced by the leader's token.
 */
export interface CompletedCheckpointPointerStore {
  /**
   * Records a completed checkpoint and drops the oldest beyond the retained number, in one
   * transaction that fails with FencedError when `fence` no longer holds.
   */
  add(fence: Fence, pointer: CheckpointPointer): Promise<void>;
  latest(jobId: string): Promise<CheckpointPointer | undefined>;
  /** Retained pointers, oldest first. */
  all(jobId: string): Promise<CheckpointPointer[]>;
  /** Forgets a finished job's pointers. */
  discard(fence: Fence, jobId: string): Promise<void>;
}

export class DefaultCompletedCheckpointPointerStore implements CompletedCheckpointPointerStore {
  constructor(
    private readonly store: CoordinationStore,
    private readonly keys: HaKeys,
    private readonly retained: number,
  ) {
    checkArgument(Number.isInteger(retained) && retained >= 1, `retained checkpoints ${retained} must be at least 1`);
  }

  async add(fence: Fence, pointer: CheckpointPointer): Promise<void> {
    const key = this.keys.checkpoint(pointer.jobId, pointer.checkpointId);
    const existing = await this.store.list(this.keys.checkpointPrefix(pointer.jobId));
    // Keys sort as checkpoint ids: keep the newest `retained`, which a late, older checkpoint may not be among.
    const keep = new Set([...existing.map((kv) => kv.key).filter((k) => k !== key), key].sort().slice(-this.retained));
    const operations: Operation[] = [
      ...(keep.has(key) ? [{ type: 'put', key, value: JSON.stringify(pointer) } as const] : []),
      ...existing.filter((kv) => !keep.has(kv.key)).map((kv): Operation => ({ type: 'delete', key: kv.key })),
    ];
    await fencedTransaction(this.store, fence, operations, `recording checkpoint ${pointer.checkpointId} of job ${pointer.jobId}`);
  }

  async latest(jobId: string): Promise<CheckpointPointer | undefined> {
    return (await this.all(jobId)).at(-1);
  }

  async all(jobId: string): Promise<CheckpointPointer[]> {
    const kvs = await this.store.list(this.keys.checkpointPrefix(jobId));
    return kvs.map((kv) => JSON.parse(kv.value) as CheckpointPointer);
  }

  async discard(fence: Fence, jobId: string): Promise<void> {
    const kvs = await this.store.list(this.keys.checkpointPrefix(jobId));
    const operations = kvs.map((kv): Operation => ({ type: 'delete', key: kv.key }));
    await fencedTransaction(this.store, fence, operations, `discarding the checkpoints of job ${jobId}`);
  }
}
