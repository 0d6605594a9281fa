import { CoordinationStore } from './CoordinationStore';
import { Fence } from './FencingToken';
import { HaKeys } from './HaKeys';
import { fencedTransaction } from './fencedTransaction';

export interface JobResult {
  readonly jobId: string;
  readonly state: 'finished' | 'failed' | 'cancelled';
  readonly timestamp: number;
  /** Why a failed job failed. */
  readonly error?: string;
}

/**
 * How each job ended, as Flink's JobResultStore, so a recovered leader never runs a finished job
 * again and clients can still ask for the result.
 */
export interface JobResultStore {
  /**
   * Records the result and removes the job from the JobGraphStore in one fenced transaction: no
   * leader can find the job both running and ended.
   */
  record(fence: Fence, result: JobResult): Promise<void>;
  get(jobId: string): Promise<JobResult | undefined>;
  list(): Promise<JobResult[]>;
}

export class DefaultJobResultStore implements JobResultStore {
  constructor(
    private readonly store: CoordinationStore,
    private readonly keys: HaKeys,
  ) {}

  async record(fence: Fence, result: JobResult): Promise<void> {
    await fencedTransaction(
      this.store,
      fence,
      [
        { type: 'put', key: this.keys.jobResult(result.jobId), value: JSON.stringify(result) },
        { type: 'delete', key: this.keys.jobGraph(result.jobId) },
      ],
      `recording that job ${result.jobId} ${result.state}`,
    );
  }

  async get(jobId: string): Promise<JobResult | undefined> {
    const kv = await this.store.get(this.keys.jobResult(jobId));
    return kv && (JSON.parse(kv.value) as JobResult);
  }

  async list(): Promise<JobResult[]> {
    return (await this.store.list(this.keys.jobResultPrefix)).map((kv) => JSON.parse(kv.value) as JobResult);
  }
}
