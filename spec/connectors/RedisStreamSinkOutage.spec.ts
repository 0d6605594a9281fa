import fs from 'fs';
import os from 'os';
import path from 'path';
import { createClient } from 'redis';
import { RedisServer } from '../harness/RedisServer';
import { RECORD, redisSinkWriter, stageTransaction, Writer } from '../harness/redisSinkWriters';

type Client = ReturnType<typeof createClient>;

/** Far more than a refused or lost connection takes to fail once nothing reconnects; far less than forever. */
const BOUND_MS = 3000;

/** `work`, or a rejection saying it hung: the guarantee under test is that it ends at all. */
function within<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not end within ${BOUND_MS} ms`)), BOUND_MS)));
  return Promise.race([work, hung]).finally(() => clearTimeout(timer));
}

describe('RedisStreamSink when Redis goes away', () => {
  let dir: string;
  let redis: RedisServer;
  const writers: Writer[] = [];

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-sink-outage-'));
    redis = await RedisServer.start({ dir });
  });
  afterEach(async () => {
    await Promise.all(writers.splice(0).map((w) => w.close!().catch(() => undefined)));
    await redis.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const writer = (url: string, jobId: string, attempt: number, restoredCheckpointId?: number): Writer => {
    const w = redisSinkWriter(jobId, attempt, { url, connectTimeoutMs: 500, restoredCheckpointId });
    writers.push(w);
    return w;
  };

  async function inspect<T>(work: (c: Client) => Promise<T>): Promise<T> {
    const c = createClient({ url: redis.url });
    c.on('error', () => undefined);
    await c.connect();
    try {
      return await work(c);
    } finally {
      c.destroy();
    }
  }

  it('fails a commit when Redis is gone, naming the URL and the stream; the next attempt commits it once Redis is back', async () => {
    const w = writer(redis.url, 'job', 0);
    // Pre-committed at checkpoint 1, which completed: the commit is due.
    const txn = await stageTransaction(w, 0, 'x', 'y');
    await redis.stop({ save: true });

    await expect(within(w.commit(txn), 'the commit')).rejects.toThrow(
      new RegExp(`Redis sink of stream 'out' \\(subtask 0\\) lost its connection to ${redis.url}: .*cannot commit transaction ${txn.id}`),
    );
    await within(w.close!(), 'close');

    redis = await redis.restart();
    // The restart: checkpoint 1 holds the transaction as pending; recovery commits it.
    const next = writer(redis.url, 'job', 1, 1);
    await next.commit(txn);
    await next.commit(txn);
    expect(await inspect(async (c) => (await c.xRange('out', '-', '+')).map((e) => e.message.line))).toEqual(['x', 'y']);
  }, 20_000);

  it('fails a pre-commit whose writes cannot reach Redis', async () => {
    const w = writer(redis.url, 'job', 0);
    await stageTransaction(w, 1, 'x');
    await redis.stop();
    const txn = w.beginTransaction(1);
    w.invoke(txn, 'y', RECORD);
    await expect(within(w.preCommit(txn), 'the pre-commit')).rejects.toThrow(
      `Redis sink of stream 'out' (subtask 0) lost its connection to ${redis.url}: cannot stage entries of transaction ${txn.id}`,
    );
  }, 20_000);

  it('fails an abort when Redis is gone and closes; the staging list is left to the next run, whose clean-up deletes it', async () => {
    const w = writer(redis.url, 'job', 0);
    const txn = await stageTransaction(w, 2, 'x');
    await redis.stop({ save: true });
    await expect(within(w.abort(txn), 'the abort')).rejects.toThrow(`lost its connection to ${redis.url}: cannot abort transaction ${txn.id}`);
    await within(w.close!(), 'close');

    redis = await redis.restart();
    expect(await inspect((c) => c.exists(txn.stagingKey))).toBe(1);
    // The job restarts from checkpoint 2, or from no checkpoint at all (none had completed).
    const next = writer(redis.url, 'job', 1, 2);
    await stageTransaction(next, 2, 'z'); // the first write waits for the clean-up
    expect(await inspect((c) => c.exists(txn.stagingKey))).toBe(0);
    expect(await inspect((c) => c.hExists('brook:2pc:out:txns', txn.id))).toBe(0);
  }, 20_000);

  it('cleans up what an earlier attempt left when the restart restores no checkpoint', async () => {
    const w = writer(redis.url, 'job', 0);
    const txn = await stageTransaction(w, 0, 'x');
    await redis.stop({ save: true });
    await expect(within(w.abort(txn), 'the abort')).rejects.toThrow(`lost its connection to ${redis.url}`);
    redis = await redis.restart();

    const next = writer(redis.url, 'job', 1, undefined);
    await stageTransaction(next, 0, 'z'); // the first write waits for the clean-up
    expect(await inspect((c) => c.exists(txn.stagingKey))).toBe(0);
    expect(await inspect((c) => c.hExists('brook:2pc:out:txns', txn.id))).toBe(0);
  }, 20_000);

  it('fails commit and abort and closes when Redis cannot be reached at all', async () => {
    await redis.stop();
    const w = writer(redis.url, 'job', 0);
    const txn = w.beginTransaction(0);
    w.invoke(txn, 'x', RECORD);
    await expect(within(w.preCommit(txn), 'the pre-commit')).rejects.toThrow(`Redis sink of stream 'out' (subtask 0) cannot connect to ${redis.url}`);
    await expect(within(w.commit(txn), 'the commit')).rejects.toThrow(`cannot connect to ${redis.url}`);
    await expect(within(w.abort(txn), 'the abort')).rejects.toThrow(`cannot connect to ${redis.url}`);
    await within(w.close!(), 'close');
    redis = await redis.restart();
  }, 20_000);
});
