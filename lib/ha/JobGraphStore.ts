import { CoordinationStore } from './CoordinationStore';
import { Fence } from './FencingToken';
import { HaKeys } from './HaKeys';
import { fencedTransaction } from './fencedTransaction';

/**
 * What a new leader needs to run a job again: brook ships the job file and its arguments (the
 * same file installed on every host), and the JobGraph fingerprint every TaskManager checks.
 */
export interface JobGraphRecord {
  readonly jobId: string;
  readonly jobFile: string;
  readonly args: readonly string[];
  /** The default parallelism it was submitted with (-p). */
  readonly parallelism?: number;
  /** The savepoint it was started from, if any: where it starts again before its first checkpoint. */
  readonly savepoint?: { readonly path: string; readonly allowNonRestoredState: boolean };
  readonly fingerprint: string;
  /** 'cancelling': a cancel was asked; a recovered leader finishes cancelling rather than running it. */
  readonly state: 'running' | 'cancelling';
  readonly submittedAt: number;
}

/**
 * The submitted, not yet ended jobs, as Flink's JobGraphStore: what a new leader runs again.
 * JobResultStore.record removes an ended job in the transaction that records its result.
 * Writes are fenced.
 */
export interface JobGraphStore {
  put(fence: Fence, job: JobGraphRecord): Promise<void>;
  get(jobId: string): Promise<JobGraphRecord | undefined>;
  list(): Promise<JobGraphRecord[]>;
  remove(fence: Fence, jobId: string): Promise<void>;
}

export class DefaultJobGraphStore implements JobGraphStore {
  constructor(
    private readonly store: CoordinationStore,
    private readonly keys: HaKeys,
  ) {}

  async put(fence: Fence, job: JobGraphRecord): Promise<void> {
    await fencedTransaction(this.store, fence, [{ type: 'put', key: this.keys.jobGraph(job.jobId), value: JSON.stringify(job) }], `storing job ${job.jobId}`);
  }

  async get(jobId: string): Promise<JobGraphRecord | undefined> {
    const kv = await this.store.get(this.keys.jobGraph(jobId));
    return kv && (JSON.parse(kv.value) as JobGraphRecord);
  }

  async list(): Promise<JobGraphRecord[]> {
    return (await this.store.list(this.keys.jobGraphPrefix)).map((kv) => JSON.parse(kv.value) as JobGraphRecord);
  }

  async remove(fence: Fence, jobId: string): Promise<void> {
    await fencedTransaction(this.store, fence, [{ type: 'delete', key: this.keys.jobGraph(jobId) }], `removing job ${jobId}`);
  }
}
