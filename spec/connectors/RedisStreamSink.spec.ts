import { createClient } from 'redis';
import { RedisStreamSink, RedisTransaction } from '../../lib/connectors/redis/RedisStreamSink';
import { TwoPhaseCommitWriter } from '../../lib/connectors/sink/TwoPhaseCommitSink';
import { runFinishedSubtaskRecovery } from '../harness/finishedSubtaskRecovery';
import { RedisServer } from '../harness/RedisServer';

type Client = ReturnType<typeof createClient>;
type Writer = TwoPhaseCommitWriter<string, RedisTransaction>;

const RECORD = { timestamp: undefined, currentWatermark: 0, currentProcessingTime: 0 };

describe('RedisStreamSink, exactly once under failures', () => {
  let redis: RedisServer;
  let client: Client;
  beforeAll(async () => {
    redis = await RedisServer.start();
    client = createClient({ url: redis.url });
    await client.connect();
  });
  afterAll(async () => {
    client.destroy();
    await redis.stop();
  });
  beforeEach(() => client.flushAll());

  const lines = async (stream: string): Promise<string[]> => (await client.xRange(stream, '-', '+')).map((e) => e.message.line);
  const writers: Writer[] = [];
  afterEach(async () => {
    await Promise.all(writers.splice(0).map((w) => w.close!()));
  });

  /** A writer of subtask `subtask` of run `jobId`/`attempt`, as the sink operator creates it. */
  const writer = (jobId: string, attempt: number, restoredCheckpointId?: number, subtask = 0): Writer => {
    const w = new RedisStreamSink<string>({ url: redis.url, stream: 'out' }).createWriter({
      subtaskIndex: subtask,
      parallelism: 2,
      taskName: 'sink',
      stdout: { write: () => undefined },
      stderr: { write: () => undefined },
      jobId,
      attemptNumber: attempt,
      restoredCheckpointId,
    });
    writers.push(w);
    return w;
  };

  /** Stages `values` in a new transaction opened after `checkpointId`, pre-committed. */
  const staged = async (w: Writer, checkpointId: number, ...values: string[]): Promise<RedisTransaction> => {
    const txn = w.beginTransaction(checkpointId);
    for (const v of values) w.invoke(txn, v, RECORD);
    await w.preCommit(txn);
    return txn;
  };

  it('a commit retried after it was applied changes nothing', async () => {
    const w = writer('job-a', 0);
    const txn = await staged(w, 1, 'x', 'y');
    await w.commit(txn);
    await w.commit(txn);
    expect(await lines('out')).toEqual(['x', 'y']);
  });

  it('a commit of a transaction that a clean-up deleted fails loudly instead of losing its entries', async () => {
    const dead = writer('job-a', 0, undefined, 1);
    const pending = await staged(dead, 1, 'x', 'y');
    // A new run whose clean-up takes checkpoint 1 for the restored one (as one that read the id
    // from a finished subtask's old state would) deletes the transaction pending in checkpoint 2.
    const recovered = writer('job-b', 0, 1);
    await expect(recovered.commit(pending)).rejects.toThrow(
      /cannot commit transaction .* \(2 entries, opened after checkpoint 1\): it was aborted \(by run job-b\/0\) and its staging list .* deleted/,
    );
    expect(await lines('out')).toEqual([]);
  });

  it('a commit after an abort fails loudly', async () => {
    const w = writer('job-a', 0);
    const txn = await staged(w, 1, 'x');
    await w.abort(txn);
    await expect(w.commit(txn)).rejects.toThrow(/it was aborted \(by run job-a\/0\)/);
  });

  it('a run that another instance took over can neither commit nor clean up', async () => {
    const old = writer('job-a', 0);
    const oldTxn = await staged(old, 4, 'old');
    // A new instance starts (restoring checkpoint 3) and takes the prefix over.
    const current = writer('job-b', 0, 3);
    const txn = await staged(current, 5, 'new');
    await expect(old.commit(oldTxn)).rejects.toThrow(/owned by run job-b\/0, not by this run job-a\/0/);
    // The old instance restarts: it must not come back, nor delete the new instance's transactions.
    const restarted = writer('job-a', 1, 3);
    await expect(staged(restarted, 3, 'restarted')).rejects.toThrow(/cannot take over: .* owned by run job-b\/0/);
    await current.commit(txn);
    expect(await lines('out')).toEqual(['new']);
  });

  it('a closed writer rejects writes', async () => {
    const w = writer('job-a', 0);
    const txn = w.beginTransaction(1);
    await w.close!();
    expect(() => w.invoke(txn, 'late', RECORD)).toThrow(/closed/);
    expect(() => w.beginTransaction(2)).toThrow(/closed/);
    await expect(w.abort(txn)).rejects.toThrow(/closed/);
  });

  it("a subtask that finished early does not delete another subtask's pending transaction on recovery", async () => {
    const expected = await runFinishedSubtaskRecovery(new RedisStreamSink<string>({ url: redis.url, stream: 'out' }));
    expect((await lines('out')).sort()).toEqual(expected);
  });
});
