import { RedisStreamSink } from '../../lib/connectors/redis/RedisStreamSink';
import { RedisServer, redisServerPerFile } from '../harness/RedisServer';
import { RECORD, redisSinkWriter, RedisSinkWriterOptions, stageTransaction, Writer } from '../harness/redisSinkWriters';
import { freeLoopbackPort } from '../../lib/cluster/net/freeLoopbackPorts';

describe('RedisStreamSink transactions, keys and messages', () => {
  const redisForFile = redisServerPerFile();

  const lines = async (stream = 'out'): Promise<string[]> => (await redisForFile.client.xRange(stream, '-', '+')).map((e) => e.message.line);
  const writers: Writer[] = [];
  afterEach(async () => {
    await Promise.all(writers.splice(0).map((w) => w.close!()));
  });

  /** A writer of run `jobId`/`attempt`, as the sink operator creates it. */
  const writer = (jobId: string, attempt: number, o: Partial<RedisSinkWriterOptions> = {}): Writer => {
    const w = redisSinkWriter(jobId, attempt, { ...o, url: o.url ?? redisForFile.server.url });
    writers.push(w);
    return w;
  };

  const keys = async (): Promise<string[]> => (await redisForFile.client.keys('*')).sort();

  it('is a transactional sink named after its stream', () => {
    const sink = new RedisStreamSink<string>({ url: redisForFile.server.url, stream: 'out' });
    expect(sink.name).toBe('Redis Stream(out)');
    expect(sink.transactional).toBe(true);
  });

  it('leaves only the stream entries and its owner behind after a commit, and only a record of the abort after an abort', async () => {
    const w = writer('job-a', 0);
    const committed = await stageTransaction(w, 1, 'x', 'y');
    await w.commit(committed);
    expect(await keys()).toEqual(['brook:2pc:out:owner', 'out']);
    const aborted = await stageTransaction(w, 2, 'z');
    await w.abort(aborted);
    expect(await keys()).toEqual(['brook:2pc:out:aborted', 'brook:2pc:out:owner', 'out']);
    expect(await redisForFile.client.hGetAll('brook:2pc:out:aborted')).toEqual({ [aborted.id]: 'job-a/0|2' });
    expect(await lines()).toEqual(['x', 'y']);
  });

  it('keeps every key of a job under its transaction prefix, so two jobs with prefixes of their own write to one stream without fencing each other', async () => {
    const one = writer('job-one', 0, { transactionPrefix: 'one' });
    const two = writer('job-two', 0, { transactionPrefix: 'two' });
    const a = await stageTransaction(one, 1, 'one 1');
    const b = await stageTransaction(two, 1, 'two 1');
    const pendingOne = await stageTransaction(one, 2, 'one 2');
    const pendingTwo = await stageTransaction(two, 2, 'two 2');
    expect((await keys()).filter((k) => !k.startsWith('one:') && !k.startsWith('two:'))).toEqual([]);
    expect(await redisForFile.client.hKeys('one:txns')).toEqual([a.id, pendingOne.id]);
    expect(await redisForFile.client.get('two:owner')).toBe('job-two/0');
    await one.commit(a);
    await two.commit(b);
    await two.abort(pendingTwo);
    expect((await keys()).filter((k) => !k.startsWith('one:') && !k.startsWith('two:'))).toEqual(['out']);
    expect(await redisForFile.client.hKeys('one:aborted')).toEqual([]);
    expect(await redisForFile.client.hKeys('two:aborted')).toEqual([pendingTwo.id]);
    await one.commit(pendingOne);
    expect(await lines()).toEqual(['one 1', 'two 1', 'one 2']);
  });

  it('commits every entry of a transaction, in order', async () => {
    const w = writer('job-a', 0);
    const values = ['a', 'b', 'c', 'd', 'e'];
    await w.commit(await stageTransaction(w, 1, ...values));
    expect(await lines()).toEqual(values);
  });

  it('a new job takes the prefix over from another job at any attempt, and only a later attempt of its own job is refused', async () => {
    const other = writer('job-a', 3);
    await stageTransaction(other, 1, 'a');
    const fresh = writer('job-b', 0);
    await stageTransaction(fresh, 1, 'b');
    expect(await redisForFile.client.get('brook:2pc:out:owner')).toBe('job-b/0');
    await stageTransaction(writer('job-b', 2), 1, 'c');
    await expect(stageTransaction(writer('job-b', 1), 1, 'd')).rejects.toThrow('owned by run job-b/2, not by this run job-b/1');
  });

  it('the subtasks of a new run take the prefix over at once, none of them refused', async () => {
    await stageTransaction(writer('job-a', 0), 1, 'old');
    const subtasks = [0, 1, 2, 3, 4, 5, 6, 7].map((subtask) => writer('job-b', 0, { restoredCheckpointId: 1, subtask }));
    const txns = await Promise.all(subtasks.map((w, i) => stageTransaction(w, 1, `new ${i}`)));
    await Promise.all(subtasks.map((w, i) => w.commit(txns[i])));
    expect((await lines()).sort()).toEqual(subtasks.map((_, i) => `new ${i}`));
    expect(await redisForFile.client.get('brook:2pc:out:owner')).toBe('job-b/0');
  });

  it('a commit into a key that is not a stream fails saying so, and keeps its entries for a later commit', async () => {
    const w = writer('job-a', 0);
    const txn = await stageTransaction(w, 1, 'x', 'y');
    await redisForFile.client.set('out', 'not a stream');
    await expect(w.commit(txn)).rejects.toThrow(
      `Redis Stream(out) subtask 0: cannot commit transaction ${txn.id}: the key out holds a string, not a stream; ` +
        `its 2 entries stay in ${txn.stagingKey} until the key is a stream (or deleted) and a restart commits them`,
    );
    expect(await redisForFile.client.lLen(txn.stagingKey)).toBe(2);
    await redisForFile.client.del('out');
    await w.commit(txn);
    expect(await lines()).toEqual(['x', 'y']);
  });

  it('close releases its connections', async () => {
    const clients = async (): Promise<number> => (await redisForFile.client.sendCommand<string>(['CLIENT', 'LIST'])).trim().split('\n').length;
    const w = writer('job-a', 0);
    await stageTransaction(w, 1, 'x');
    expect(await clients()).toBe(3);
    await w.close!();
    for (const deadline = Date.now() + 3000; (await clients()) > 1;) {
      if (Date.now() > deadline) throw new Error('the writer kept its connections after close');
      await new Promise((r) => setTimeout(r, 5));
    }
  });

  it('an empty transaction pre-commits and commits without Redis', async () => {
    const stderr: string[] = [];
    const w = writer('job-a', 0, { url: `redis://127.0.0.1:${await freeLoopbackPort()}`, stderr });
    const txn = w.beginTransaction(1);
    w.flush!(txn);
    await w.preCommit(txn);
    await w.commit(txn);
    expect(txn.count).toBe(0);
  });

  it('an abort right after a write lets the write land first, so no staging list is left behind', async () => {
    const w = writer('job-a', 0);
    const txn = w.beginTransaction(1);
    w.invoke(txn, 'x', RECORD);
    w.flush!(txn);
    await w.abort(txn);
    await w.close!();
    expect(await redisForFile.client.exists(txn.stagingKey)).toBe(0);
    expect(await redisForFile.client.hLen('brook:2pc:out:txns')).toBe(0);
  });

  it('a closed writer refuses to pre-commit, commit or abort, saying so', async () => {
    const w = writer('job-a', 0);
    const txn = await stageTransaction(w, 1, 'x');
    const unsent = w.beginTransaction(1);
    w.invoke(unsent, 'y', RECORD);
    await w.close!();
    await expect(w.preCommit(unsent)).rejects.toThrow('Redis Stream(out) subtask 0: cannot write: the writer of run job-a/0 is closed');
    expect(() => w.invoke(unsent, 'z', RECORD)).toThrow('Redis Stream(out) subtask 0: cannot write: the writer of run job-a/0 is closed');
    expect(() => w.beginTransaction(2)).toThrow('Redis Stream(out) subtask 0: cannot open a transaction: the writer of run job-a/0 is closed');
    await expect(w.commit(txn)).rejects.toThrow('Redis Stream(out) subtask 0: cannot commit: the writer of run job-a/0 is closed');
    await expect(w.abort(txn)).rejects.toThrow('Redis Stream(out) subtask 0: cannot abort: the writer of run job-a/0 is closed');
    expect(await redisForFile.client.exists(txn.stagingKey)).toBe(1);
  });

  it('reports a fencing and a reply of Redis as they are, not as a lost connection', async () => {
    const old = writer('job-a', 0);
    const txn = await stageTransaction(old, 1, 'x');
    await stageTransaction(writer('job-b', 0, { restoredCheckpointId: 1 }), 1, 'b'); // a write waits until job-b took over
    await expect(old.commit(txn)).rejects.toThrow(
      new Error(
        'Redis Stream(out) subtask 0: cannot commit transaction ' +
          `${txn.id}: the transaction prefix brook:2pc:out is owned by run job-b/0, not by this run job-a/0. ` +
          'Another instance of the job took over (one job per transaction prefix): this run stops.',
      ),
    );

    const w = writer('job-c', 0);
    const broken = w.beginTransaction(1);
    w.invoke(broken, 'y', RECORD);
    await redisForFile.client.set(broken.stagingKey, 'not a list');
    await expect(w.preCommit(broken)).rejects.toThrow(/^WRONGTYPE/);
  });

  it('a commit after the owner was deleted fails, saying the prefix has no owner', async () => {
    const w = writer('job-a', 0);
    const txn = await stageTransaction(w, 1, 'x');
    await redisForFile.client.del('brook:2pc:out:owner');
    await expect(w.commit(txn)).rejects.toThrow('the transaction prefix brook:2pc:out is owned by run (none), not by this run job-a/0');
  });

  it('says once on stderr that Redis cannot be reached, however many operations fail for it', async () => {
    const stderr: string[] = [];
    const url = `redis://127.0.0.1:${await freeLoopbackPort()}`;
    const w = writer('job-a', 0, { url, stderr });
    const txn = w.beginTransaction(1);
    w.invoke(txn, 'x', RECORD);
    await expect(w.preCommit(txn)).rejects.toThrow(`Redis sink of stream 'out' (subtask 0) cannot connect to ${url}: `);
    await expect(w.commit(txn)).rejects.toThrow('cannot connect');
    await expect(w.abort(txn)).rejects.toThrow('cannot connect');
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(
      new RegExp(
        `^Redis sink of stream 'out' \\(subtask 0\\) cannot connect to ${url}: .*; the sink fails \\(the job restarts if its restart strategy allows\\)\\n$`,
      ),
    );
  });

  it('says once on stderr that it lost Redis, however many operations fail after', async () => {
    const own = await RedisServer.start();
    try {
      const stderr: string[] = [];
      const w = writer('job-a', 0, { url: own.url, stderr });
      const txn = await stageTransaction(w, 1, 'x');
      await own.stop();
      await expect(w.commit(txn)).rejects.toThrow(`lost its connection to ${own.url}: cannot commit transaction ${txn.id}`);
      await expect(w.abort(txn)).rejects.toThrow(`lost its connection to ${own.url}: cannot abort transaction ${txn.id}`);
      expect(stderr).toHaveLength(1);
    } finally {
      await own.stop();
    }
  });

  it('a new process resuming from a checkpoint deletes what the earlier one opened after it and keeps what is pending in it', async () => {
    const earlier = writer('job-a', 0, { subtask: 1 });
    const pending = await stageTransaction(earlier, 2, 'pending'); // pre-committed at checkpoint 3
    const after = await stageTransaction(earlier, 3, 'after');
    const resumed = writer('job-b', 0, { restoredCheckpointId: 3 });
    await stageTransaction(resumed, 3, 'new'); // a write waits until the clean-up ran
    expect(await redisForFile.client.exists(after.stagingKey)).toBe(0);
    expect(await redisForFile.client.hGet('brook:2pc:out:aborted', after.id)).toBe('job-b/0|3');
    await resumed.commit(pending);
    expect(await lines()).toEqual(['pending']);
  });

  it('a restart that restores no checkpoint deletes what earlier attempts of its job left, and spares other jobs', async () => {
    const other = writer('job-x', 0);
    const othersTxn = await stageTransaction(other, 4, 'other');
    const first = writer('job-a', 0);
    const mine = await stageTransaction(first, 0, 'mine');
    const restarted = writer('job-a', 1);
    await stageTransaction(restarted, 0, 'again');
    expect(await redisForFile.client.exists(mine.stagingKey)).toBe(0);
    expect(await redisForFile.client.exists(othersTxn.stagingKey)).toBe(1);
    expect(await redisForFile.client.hExists('brook:2pc:out:txns', othersTxn.id)).toBe(1);
  });

  it('a job restarted ten times and more still takes the prefix over from its earlier attempts', async () => {
    const ninth = writer('job-a', 9);
    await stageTransaction(ninth, 0, 'x');
    const tenth = writer('job-a', 10);
    const txn = await stageTransaction(tenth, 0, 'y');
    const eleventh = writer('job-a', 11, { restoredCheckpointId: 0 });
    await stageTransaction(eleventh, 0, 'z');
    await expect(tenth.commit(txn)).rejects.toThrow('owned by run job-a/11, not by this run job-a/10');
    await expect(stageTransaction(writer('job-a', 10), 0, 'zombie')).rejects.toThrow(
      'cannot take over: the transaction prefix brook:2pc:out is owned by run job-a/11',
    );
  });

  describe('when Redis refuses writes (full: maxmemory reached, no eviction)', () => {
    // A write command refused while queued after MULTI aborts the EXEC with Redis's reply, which
    // is no lost WATCH race: read again, the same write is refused again, for good.
    const full = (): Promise<unknown> => redisForFile.client.configSet({ maxmemory: '1', 'maxmemory-policy': 'noeviction' });
    afterEach(() => redisForFile.client.configSet('maxmemory', '0'));
    const OOM = /^OOM command not allowed when used memory > 'maxmemory'/;

    it('the takeover fails with the reply instead of trying again', async () => {
      await full();
      await expect(stageTransaction(writer('job-a', 0), 1, 'x')).rejects.toThrow(OOM);
      expect(await redisForFile.client.get('brook:2pc:out:owner')).toBeNull();
    }, 5000);

    it('a commit fails with the reply instead of trying again, and keeps its entries for a later commit', async () => {
      const w = writer('job-a', 0);
      const txn = await stageTransaction(w, 1, 'x', 'y');
      await full();
      await expect(w.commit(txn)).rejects.toThrow(OOM);
      expect(await redisForFile.client.lLen(txn.stagingKey)).toBe(2);
      await redisForFile.client.configSet('maxmemory', '0');
      await w.commit(txn);
      expect(await lines()).toEqual(['x', 'y']);
    }, 5000);

    it('the orphan clean-up fails with the reply instead of trying again, and deletes nothing', async () => {
      const orphan = await stageTransaction(writer('job-a', 0, { subtask: 1 }), 3, 'after');
      // The restart's subtask 1 takes the prefix over, so subtask 0's takeover writes nothing; the
      // clean-up is left to subtask 0, so the orphan is still there when Redis is full.
      await stageTransaction(writer('job-a', 1, { restoredCheckpointId: 3, subtask: 1 }), 3, 'y');
      await full();
      await expect(stageTransaction(writer('job-a', 1, { restoredCheckpointId: 3 }), 3, 'z')).rejects.toThrow(OOM);
      await redisForFile.client.configSet('maxmemory', '0');
      expect(await redisForFile.client.lLen(orphan.stagingKey)).toBe(1);
      expect(await redisForFile.client.hExists('brook:2pc:out:txns', orphan.id)).toBe(1);
      expect(await redisForFile.client.hExists('brook:2pc:out:aborted', orphan.id)).toBe(0);
    }, 5000);
  });

  it('a writer that cannot connect and is never used fails nothing else', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const w = writer('job-a', 0, { url: `redis://127.0.0.1:${await freeLoopbackPort()}` });
      await w.close!();
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});
