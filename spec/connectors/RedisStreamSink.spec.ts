import { RedisStreamSink } from '../../lib/connectors/redis/RedisStreamSink';
import { runFinishedSubtaskRecovery } from '../harness/finishedSubtaskRecovery';
import { redisServerPerFile } from '../harness/RedisServer';
import { RECORD, redisSinkWriter, stageTransaction, Writer } from '../harness/redisSinkWriters';

describe('RedisStreamSink, exactly once under failures', () => {
  const redisForFile = redisServerPerFile();

  const lines = async (stream: string): Promise<string[]> => (await redisForFile.client.xRange(stream, '-', '+')).map((e) => e.message.line);
  const writers: Writer[] = [];
  afterEach(async () => {
    await Promise.all(writers.splice(0).map((w) => w.close!()));
  });

  /** A writer of subtask `subtask` of run `jobId`/`attempt`, as the sink operator creates it. */
  const writer = (jobId: string, attempt: number, restoredCheckpointId?: number, subtask = 0): Writer => {
    const w = redisSinkWriter(jobId, attempt, { url: redisForFile.server.url, restoredCheckpointId, subtask });
    writers.push(w);
    return w;
  };

  it('a commit retried after it was applied changes nothing', async () => {
    const w = writer('job-a', 0);
    const txn = await stageTransaction(w, 1, 'x', 'y');
    await w.commit(txn);
    await w.commit(txn);
    expect(await lines('out')).toEqual(['x', 'y']);
  });

  it('a commit of a transaction that a clean-up deleted fails loudly instead of losing its entries', async () => {
    const dead = writer('job-a', 0, undefined, 1);
    const pending = await stageTransaction(dead, 1, 'x', 'y');
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
    const txn = await stageTransaction(w, 1, 'x');
    await w.abort(txn);
    await expect(w.commit(txn)).rejects.toThrow(/it was aborted \(by run job-a\/0\)/);
  });

  it('a run that another instance took over can neither commit nor clean up', async () => {
    const old = writer('job-a', 0);
    const oldTxn = await stageTransaction(old, 4, 'old');
    // A new instance starts (restoring checkpoint 3) and takes the prefix over.
    const current = writer('job-b', 0, 3);
    const txn = await stageTransaction(current, 5, 'new');
    await expect(old.commit(oldTxn)).rejects.toThrow(/owned by run job-b\/0, not by this run job-a\/0/);
    // The old instance restarts: it must not come back, nor delete the new instance's transactions.
    const restarted = writer('job-a', 1, 3);
    await expect(stageTransaction(restarted, 3, 'restarted')).rejects.toThrow(/cannot take over: .* owned by run job-b\/0/);
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
    const expected = await runFinishedSubtaskRecovery(new RedisStreamSink<string>({ url: redisForFile.server.url, stream: 'out' }));
    expect((await lines('out')).sort()).toEqual(expected);
  });

  it('a restart takes the prefix over from an earlier attempt of its job, which can then neither commit nor take it back', async () => {
    const first = writer('job-a', 0);
    const stale = await stageTransaction(first, 1, 'stale');
    const restarted = writer('job-a', 1, 1);
    const txn = await stageTransaction(restarted, 1, 'current');
    await expect(first.commit(stale)).rejects.toThrow(/owned by run job-a\/1, not by this run job-a\/0/);
    const zombie = writer('job-a', 0);
    await expect(stageTransaction(zombie, 1, 'zombie')).rejects.toThrow(/cannot take over: .* owned by run job-a\/1, not by this run job-a\/0/);
    await restarted.commit(txn);
    expect(await lines('out')).toEqual(['current']);
  });

  it('the orphan clean-up of a recovering run spares transactions its own other subtasks already opened, and those pending in the restored checkpoint', async () => {
    const dead = writer('job-a', 0, undefined, 1);
    const pending = await stageTransaction(dead, 1, 'pending'); // pre-committed at checkpoint 2
    const orphan = await stageTransaction(dead, 2, 'orphan');
    // The restart restores checkpoint 2; subtask 1 of the new attempt stages before subtask 0 cleans up.
    const subtask1 = writer('job-a', 1, 2, 1);
    const own = await stageTransaction(subtask1, 2, 'new');
    const subtask0 = writer('job-a', 1, 2, 0);
    await stageTransaction(subtask0, 2, 'after clean-up'); // a write waits until the clean-up ran
    expect(await redisForFile.client.exists(orphan.stagingKey)).toBe(0);
    expect(await redisForFile.client.exists(pending.stagingKey)).toBe(1);
    expect(await redisForFile.client.exists(own.stagingKey)).toBe(1);
    await subtask1.commit(pending);
    await subtask1.commit(own);
    expect(await lines('out')).toEqual(['pending', 'new']);
  });

  it('a commit whose staging list lost entries fails loudly rather than commit part of the transaction', async () => {
    const w = writer('job-a', 0);
    const txn = await stageTransaction(w, 1, 'x', 'y', 'z');
    await redisForFile.client.rPop(txn.stagingKey);
    await expect(w.commit(txn)).rejects.toThrow(/has 2 staged entries in .*, expected 3/);
    expect(await lines('out')).toEqual([]);
  });

  it('a pre-commit fails when a write of the transaction failed, so a transaction missing entries is never committed', async () => {
    const w = writer('job-a', 0);
    const txn = w.beginTransaction(1);
    w.invoke(txn, 'x', RECORD);
    w.flush!(txn);
    await w.preCommit(txn);
    // The staging key now holds a value of another type: the next RPUSH fails (WRONGTYPE).
    await redisForFile.client.del(txn.stagingKey);
    await redisForFile.client.set(txn.stagingKey, 'not a list');
    w.invoke(txn, 'y', RECORD);
    await expect(w.preCommit(txn)).rejects.toThrow(/WRONGTYPE/);
  });

  it('writes strings as { line } and other values as { value: JSON }, under the transaction prefix given', async () => {
    const w = redisSinkWriter<unknown>('job-a', 0, { url: redisForFile.server.url, stream: 'mixed', transactionPrefix: 'jobs:one' });
    writers.push(w as unknown as Writer);
    const txn = w.beginTransaction(0);
    w.invoke(txn, 'text', RECORD);
    w.invoke(txn, { ip: '10.0.0.1', count: 2 }, RECORD);
    await w.preCommit(txn);
    expect(txn.stagingKey.startsWith('jobs:one:txn:')).toBe(true);
    expect(await redisForFile.client.get('jobs:one:owner')).toBe('job-a/0');
    await w.commit(txn);
    expect((await redisForFile.client.xRange('mixed', '-', '+')).map((e) => e.message)).toEqual([{ line: 'text' }, { value: '{"ip":"10.0.0.1","count":2}' }]);
  });
});
