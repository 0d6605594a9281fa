import { RedisTransaction } from '../../lib/connectors/redis/RedisStreamSink';
import { CommandHook, ProxyVerdict, RedisCommandProxy } from '../harness/RedisCommandProxy';
import { redisServerPerFile } from '../harness/RedisServer';
import { UnansweredPort } from '../harness/UnansweredPort';
import { RECORD, redisSinkWriter, RedisSinkWriterOptions, stageTransaction, Writer } from '../harness/redisSinkWriters';

const OWNER = 'brook:2pc:out:owner';

/**
 * The sink's start (connect, take the prefix over, clean up orphans) with another client or a
 * lost connection placed at an exact command, through a proxy that holds each command until a
 * hook let it pass.
 */
describe('RedisStreamSink start, interleaved', () => {
  const redisForFile = redisServerPerFile();
  const writers: Writer[] = [];
  const proxies: RedisCommandProxy[] = [];
  afterEach(async () => {
    await Promise.all(writers.splice(0).map((w) => w.close!()));
    await Promise.all(proxies.splice(0).map((p) => p.stop()));
  });

  const writer = (jobId: string, attempt: number, o: Partial<RedisSinkWriterOptions> = {}): Writer => {
    const w = redisSinkWriter(jobId, attempt, { ...o, url: o.url ?? redisForFile.server.url });
    writers.push(w);
    return w;
  };

  const proxy = async (hook: CommandHook): Promise<RedisCommandProxy> => {
    const p = await RedisCommandProxy.start(redisForFile.server.port, hook);
    proxies.push(p);
    return p;
  };

  /**
   * A hook that runs `before` right ahead of the given step of the start: the takeover's WATCH of
   * the owner key, the clean-up's WATCH (the second one of the owner alone), or the clean-up's
   * EXEC. It counts those WATCHes in `watches`.
   */
  const at = (
    step: 'takeover watch' | 'clean-up watch' | 'clean-up exec',
    before: () => Promise<ProxyVerdict | undefined>,
    watches = { count: 0 },
  ): CommandHook => {
    return async (command) => {
      const name = command[0]!.toUpperCase();
      const ownerWatch = name === 'WATCH' && command.length === 2 && command[1] === OWNER;
      if (ownerWatch) watches.count++;
      const due =
        (step === 'takeover watch' && ownerWatch && watches.count === 1) ||
        (step === 'clean-up watch' && ownerWatch && watches.count === 2) ||
        (step === 'clean-up exec' && name === 'EXEC' && watches.count === 2);
      if (!due) return 'forward';
      return (await before()) ?? 'forward';
    };
  };

  /** What an earlier run left: one transaction pending in checkpoint 3, one opened after it. */
  const earlierRun = async (): Promise<{ pending: RedisTransaction; orphan: RedisTransaction }> => {
    const earlier = writer('job-a', 0, { subtask: 1 });
    const pending = await stageTransaction(earlier, 2, 'pending');
    const orphan = await stageTransaction(earlier, 3, 'after');
    return { pending, orphan };
  };

  const expectUntouched = async (orphan: RedisTransaction): Promise<void> => {
    expect(await redisForFile.client.lRange(orphan.stagingKey, 0, -1)).toEqual([JSON.stringify({ line: 'after' })]);
    expect(await redisForFile.client.hExists('brook:2pc:out:txns', orphan.id)).toBe(1);
    expect(await redisForFile.client.hExists('brook:2pc:out:aborted', orphan.id)).toBe(0);
  };

  it('a connection lost right before the takeover fails the start, naming it', async () => {
    const stderr: string[] = [];
    const p = await proxy(at('takeover watch', async () => 'drop-connection'));
    const w = writer('job-b', 0, { url: p.url, stderr });
    await expect(stageTransaction(w, 0, 'x')).rejects.toThrow(`Redis sink of stream 'out' (subtask 0) lost its connection to ${p.url}: cannot start: `);
    expect(stderr).toHaveLength(1);
    expect(await redisForFile.client.get(OWNER)).toBeNull();
  });

  it('a connection lost during the orphan clean-up fails the start, naming it, and deletes nothing', async () => {
    const { orphan } = await earlierRun();
    const p = await proxy(at('clean-up watch', async () => 'drop-connection'));
    const w = writer('job-b', 0, { url: p.url, restoredCheckpointId: 3 });
    await expect(stageTransaction(w, 3, 'x')).rejects.toThrow(`lost its connection to ${p.url}: cannot start: `);
    await expectUntouched(orphan);
  });

  it("fails fenced out when another run takes the prefix over between this run's takeover and its clean-up, deleting nothing", async () => {
    const { orphan } = await earlierRun();
    const p = await proxy(at('clean-up watch', async () => void (await redisForFile.client.set(OWNER, 'job-c/0'))));
    const w = writer('job-b', 0, { url: p.url, restoredCheckpointId: 3 });
    await expect(stageTransaction(w, 3, 'x')).rejects.toThrow(
      new Error(
        'Redis Stream(out) subtask 0: cannot clean up orphan transactions: the transaction prefix brook:2pc:out is owned by run job-c/0, ' +
          'not by this run job-b/0. Another instance of the job took over (one job per transaction prefix): this run stops.',
      ),
    );
    await expectUntouched(orphan);
  });

  it("reads again when another run takes the prefix over between the clean-up's WATCH and its EXEC, then fails fenced out, deleting nothing", async () => {
    const { orphan } = await earlierRun();
    const watches = { count: 0 };
    const p = await proxy(at('clean-up exec', async () => void (await redisForFile.client.set(OWNER, 'job-c/0')), watches));
    const w = writer('job-b', 0, { url: p.url, restoredCheckpointId: 3 });
    await expect(stageTransaction(w, 3, 'x')).rejects.toThrow(
      new Error(
        'Redis Stream(out) subtask 0: cannot clean up orphan transactions: the transaction prefix brook:2pc:out is owned by run job-c/0, ' +
          'not by this run job-b/0. Another instance of the job took over (one job per transaction prefix): this run stops.',
      ),
    );
    expect(watches.count).toBe(3); // the takeover, the clean-up, and the clean-up again after its EXEC failed
    await expectUntouched(orphan);
  });

  it("a subtask joining the run that owns the prefix leaves the owner key alone, so it breaks no sibling's WATCH of it", async () => {
    await stageTransaction(writer('job-b', 0, { restoredCheckpointId: 1 }), 1, 'first');
    const sibling = redisForFile.client.duplicate();
    sibling.on('error', () => undefined);
    await sibling.connect();
    try {
      // As a commit of subtask 0 does: WATCH the owner, then EXEC once the other subtask started.
      await sibling.watch(OWNER);
      await stageTransaction(writer('job-b', 0, { restoredCheckpointId: 1, subtask: 1 }), 1, 'second'); // a write waits until it took over
      await expect(sibling.multi().set('probe', 'unchanged owner').exec()).resolves.toEqual(['OK']);
    } finally {
      sibling.destroy();
    }
  });
});

describe('RedisStreamSink connecting to a server that never accepts', () => {
  let unanswered: UnansweredPort | undefined;
  const writers: Writer[] = [];
  afterEach(async () => {
    await Promise.all(writers.splice(0).map((w) => w.close!()));
    unanswered?.close();
    unanswered = undefined;
  });

  // Real time: the connect timeout is node-redis's own socket timer, which no manual clock drives.
  // A connect that hung until the default 5 s instead of the 200 ms given ends this test at 4 s.
  it('gives up after the connect timeout given, naming the URL', async () => {
    unanswered = await UnansweredPort.start();
    const url = unanswered.url;
    const w = redisSinkWriter('job-a', 0, { url, connectTimeoutMs: 200 });
    writers.push(w);
    const txn = w.beginTransaction(0);
    w.invoke(txn, 'x', RECORD);
    const started = Date.now();
    // "Connection timeout": the connect hung (a refused one would fail at once, saying so).
    await expect(w.preCommit(txn)).rejects.toThrow(new RegExp(`^Redis sink of stream 'out' \\(subtask 0\\) cannot connect to ${url}: Connection timeout`));
    expect(Date.now() - started).toBeLessThan(2000);
  }, 4000);
});
