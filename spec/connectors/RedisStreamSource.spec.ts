import { createClient } from 'redis';
import { RedisStreamEntry, RedisStreamSource, RedisStreamSourceOptions } from '../../lib/connectors/redis/RedisStreamSource';
import { RedisCommandProxy } from '../harness/RedisCommandProxy';
import { ReaderDriver, waitFor } from '../harness/ReaderDriver';
import { RedisServer, redisServerPerFile } from '../harness/RedisServer';
import { UnansweredPort } from '../harness/UnansweredPort';
import { freeLoopbackPort } from '../../lib/cluster/net/freeLoopbackPorts';

/** The position a snapshot holds for its only stream. */
function lastIdOf(snapshot: readonly unknown[] | undefined): string {
  return (snapshot as ReadonlyArray<{ lastId: string }>)[0].lastId;
}

function valuesOf(entries: readonly RedisStreamEntry[]): string[] {
  return entries.map((e) => e.fields.v);
}

describe('RedisStreamSource against a real redis-server', () => {
  const redisForFile = redisServerPerFile();

  const add = async (stream: string, ...values: string[]): Promise<string[]> => {
    const ids: string[] = [];
    for (const v of values) ids.push(await redisForFile.client.xAdd(stream, '*', { v }));
    return ids;
  };
  const source = (options: Partial<RedisStreamSourceOptions<RedisStreamEntry>> = {}): RedisStreamSource =>
    new RedisStreamSource({ url: redisForFile.server.url, streams: ['s'], blockMs: 10, ...options });
  /** How many XREADs the server has answered: a sign the reader went round its loop. */
  const xreadCalls = async (): Promise<number> => {
    const stats = await redisForFile.client.info('commandstats');
    return Number(/cmdstat_xread:calls=(\d+)/.exec(stats)?.[1] ?? 0);
  };
  /** Waits (bounded, wall time) until the server answered `n` more XREADs: the reader went round its loop. */
  const afterReads = async (n: number): Promise<void> => {
    const target = (await xreadCalls()) + n;
    for (const deadline = Date.now() + 5000; (await xreadCalls()) < target;) {
      if (Date.now() > deadline) throw new Error(`the reader did not read ${n} more times`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  /** Waits (bounded, wall time) until a client of the server waits in a blocking command: the reader's XREAD BLOCK. */
  const blockedInXRead = async (): Promise<void> => {
    for (const deadline = Date.now() + 5000; !/flags=b .*cmd=xread/.test(await redisForFile.client.sendCommand<string>(['CLIENT', 'LIST']));) {
      if (Date.now() > deadline) throw new Error('the reader did not block in XREAD');
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  /** The connections of the server other than the spec's own client: the readers'. */
  const readerConnections = async (): Promise<number> => (await redisForFile.client.sendCommand<string>(['CLIENT', 'LIST'])).trim().split('\n').length - 1;
  /** Waits (bounded, wall time) until the server holds no reader connection: the readers closed theirs. */
  const noReaderConnection = async (): Promise<void> => {
    for (const deadline = Date.now() + 5000; (await readerConnections()) > 0;) {
      if (Date.now() > deadline) throw new Error('a reader connection is still open');
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  /** Ends the reader's blocking XREAD as its timeout would, and runs `then` in the same transaction. */
  const timeOutBlockingRead = async (...then: string[][]): Promise<void> => {
    const blocked = /id=(\d+) .*flags=b .*cmd=xread/.exec(await redisForFile.client.sendCommand<string>(['CLIENT', 'LIST']));
    if (!blocked) throw new Error('no reader waits in XREAD');
    const multi = redisForFile.client.multi().addCommand(['CLIENT', 'UNBLOCK', blocked[1], 'TIMEOUT']);
    for (const command of then) multi.addCommand(command);
    await multi.exec();
  };

  describe('streams and subtasks', () => {
    it('refuses a source without streams, and a trim policy it does not know', () => {
      expect(() => source({ streams: [] })).toThrow('RedisStreamSource needs at least one stream');
      expect(() => source({ onTrimmed: 'latest' as never })).toThrow("RedisStreamSource: onTrimmed must be 'fail' or 'earliest', not 'latest'");
      expect(() => source({ onTrimmed: 'fail' })).not.toThrow();
    });

    it('is bounded only when it stops when idle, and runs at most one subtask per stream', () => {
      const unbounded = source({ streams: ['a', 'b', 'c'] });
      expect(unbounded.name).toBe('Redis Streams(a, b, c)');
      expect(unbounded.maxSourceParallelism).toBe(3);
      expect(unbounded.boundedness).toBe('CONTINUOUS_UNBOUNDED');
      expect(source({ stopWhenIdleMs: 0 }).boundedness).toBe('BOUNDED');
    });

    it('gives stream j to subtask j mod parallelism, each read from its start and checkpointed on its own', async () => {
      const [a1] = await add('a', 'a1');
      const [b1] = await add('b', 'b1');
      const [c1] = await add('c', 'c1');
      const streams = { streams: ['a', 'b', 'c'] };
      const zero = new ReaderDriver(source(streams), undefined, undefined, undefined, { index: 0, parallelism: 2 }).start();
      const one = new ReaderDriver(source(streams), undefined, undefined, undefined, { index: 1, parallelism: 2 }).start();
      await zero.pollUntilEmitted(2);
      await one.pollUntilEmitted(1);
      expect(valuesOf(zero.emitted).sort()).toEqual(['a1', 'c1']);
      expect(valuesOf(one.emitted)).toEqual(['b1']);
      expect(zero.emitted.map((e) => e.stream).sort()).toEqual(['a', 'c']);
      expect(zero.reader.snapshotState!(1)).toEqual([
        { stream: 'a', lastId: a1, entriesRead: 1 },
        { stream: 'c', lastId: c1, entriesRead: 1 },
      ]);
      expect(one.reader.snapshotState!(1)).toEqual([{ stream: 'b', lastId: b1, entriesRead: 1 }]);
      zero.close();
      one.close();
    });

    it('a subtask left without a stream ends at once when the source stops when idle, and waits otherwise', () => {
      const idle = new ReaderDriver(source({ stopWhenIdleMs: 1000 }), undefined, undefined, undefined, { index: 1, parallelism: 2 }).start();
      expect(idle.poll(10)).toBe('END_OF_INPUT');
      expect(idle.reader.snapshotState!(1)).toEqual([]);
      idle.close();
      const endless = new ReaderDriver(source(), undefined, undefined, undefined, { index: 1, parallelism: 2 }).start();
      expect(endless.poll(10)).toBe('NOTHING_AVAILABLE');
      endless.close();
    });

    it('a subtask left without a stream never connects to Redis', async () => {
      await noReaderConnection();
      const idle = new ReaderDriver(source(), undefined, undefined, undefined, { index: 1, parallelism: 2 }).start();
      // Started after it, on the same server: once this one emitted, a connection the first had
      // opened would be listed (or would have failed the first, on a read of no stream).
      await add('s', 'x');
      const busy = new ReaderDriver(source()).start();
      await busy.pollUntilEmitted(1);
      expect(await readerConnections()).toBe(1);
      expect(idle.poll(10)).toBe('NOTHING_AVAILABLE');
      expect(idle.failures).toEqual([]);
      idle.close();
      busy.close();
    });

    it('turns entries into records with deserialize', async () => {
      const [id] = await add('s', 'x');
      const reader = new ReaderDriver(
        new RedisStreamSource<string>({ url: redisForFile.server.url, streams: ['s'], blockMs: 10, deserialize: (e) => `${e.stream}/${e.id}/${e.fields.v}` }),
      ).start();
      await reader.pollUntilEmitted(1);
      expect(reader.emitted).toEqual([`s/${id}/x`]);
      reader.close();
    });
  });

  describe('positions', () => {
    it('checkpoints the id of the last entry it emitted, not of the entries it fetched ahead', async () => {
      const ids = await add('s', 'a', 'b', 'c', 'd', 'e');
      const first = new ReaderDriver(source()).start();
      // Two credits per poll: the reader has fetched all five (one XREAD) but emitted two.
      await first.pollUntilEmitted(2, 2);
      expect(first.poll(0)).toBe('MORE_AVAILABLE');
      const snapshot = first.reader.snapshotState!(1);
      expect(lastIdOf(snapshot)).toBe(ids[1]);
      await first.pollUntilEmitted(5, 2);
      expect(lastIdOf(first.reader.snapshotState!(2))).toBe(ids[4]);
      first.close();

      const restored = new ReaderDriver(source(), undefined, snapshot).start();
      await restored.pollUntilEmitted(3);
      expect(valuesOf(restored.emitted)).toEqual(['c', 'd', 'e']);
      restored.close();
    });

    it("resolves '$' to the stream's last id before the first read, so a checkpoint holds a concrete id", async () => {
      const ids = await add('s', 'old 1', 'old 2');
      const first = new ReaderDriver(source({ startFrom: '$' })).start();
      await waitFor("'$' resolved", () => lastIdOf(first.reader.snapshotState!(1)) !== '$', 3000);
      const snapshot = first.reader.snapshotState!(1);
      expect(lastIdOf(snapshot)).toBe(ids[1]);
      first.close();

      // Written between that checkpoint and the restore: read after the restore, not skipped.
      await add('s', 'new 1', 'new 2');
      const restored = new ReaderDriver(source({ startFrom: '$' }), undefined, snapshot).start();
      await restored.pollUntilEmitted(2);
      expect(valuesOf(restored.emitted)).toEqual(['new 1', 'new 2']);
      restored.close();
    });

    it("resolves '$' on a stream that does not exist yet to 0-0, so its first entries are read", async () => {
      const reader = new ReaderDriver(source({ startFrom: '$' })).start();
      await waitFor("'$' resolved", () => lastIdOf(reader.reader.snapshotState!(1)) !== '$', 3000);
      expect(lastIdOf(reader.reader.snapshotState!(1))).toBe('0-0');
      await add('s', 'first', 'second');
      await reader.pollUntilEmitted(2);
      expect(valuesOf(reader.emitted)).toEqual(['first', 'second']);
      reader.close();
    });
    it('a fresh start from the beginning counts the entries trimmed before the first one left, so its checkpoint can tell later trims', async () => {
      const ids = await add('s', 'e1', 'e2', 'e3', 'e4', 'e5');
      await redisForFile.client.xTrim('s', 'MAXLEN', 3);
      const reader = new ReaderDriver(source()).start();
      await reader.pollUntilEmitted(1);
      expect(valuesOf(reader.emitted)).toEqual(['e3']);
      // e3 is the third entry ever added.
      expect(reader.reader.snapshotState!(1)).toEqual([{ stream: 's', lastId: ids[2], entriesRead: 3 }]);
      reader.close();
    });

    it("checkpoints with '$' how many entries the stream had seen, and a stream that does not exist yet as none", async () => {
      const ids = await add('s', 'e1', 'e2');
      const reader = new ReaderDriver(source({ streams: ['s', 'new'], startFrom: '$' })).start();
      await waitFor("'$' resolved", () => lastIdOf(reader.reader.snapshotState!(1)) !== '$', 3000);
      expect(reader.reader.snapshotState!(1)).toEqual([
        { stream: 's', lastId: ids[1], entriesRead: 2 },
        { stream: 'new', lastId: '0-0', entriesRead: 0 },
      ]);
      reader.close();
    });

    it('reads on from a position checkpointed without an entries counter, without trim detection', async () => {
      const ids = await add('s', 'e1', 'e2', 'e3', 'e4');
      await redisForFile.client.xTrim('s', 'MINID', ids[3]); // e2 and e3 deleted unread
      const restored = new ReaderDriver(source(), undefined, [{ stream: 's', lastId: ids[0], entriesRead: undefined }]).start();
      await restored.pollUntilEmitted(1);
      expect(valuesOf(restored.emitted)).toEqual(['e4']);
      expect(restored.failures).toEqual([]);
      expect(restored.reader.snapshotState!(1)).toEqual([{ stream: 's', lastId: ids[3], entriesRead: undefined }]);
      restored.close();
    });
  });

  describe('a stream trimmed past the position', () => {
    /** Reads two of five entries and checkpoints; then three more arrive and MAXLEN 3 deletes the three unread ones. */
    const trimmedWhileStopped = async (): Promise<{ snapshot: readonly unknown[]; ids: string[] }> => {
      const ids = await add('s', 'e1', 'e2', 'e3', 'e4', 'e5');
      const first = new ReaderDriver(source()).start();
      await first.pollUntilEmitted(2, 2);
      const snapshot = first.reader.snapshotState!(1);
      first.close();
      ids.push(...(await add('s', 'e6', 'e7', 'e8')));
      expect(await redisForFile.client.xTrim('s', 'MAXLEN', 3)).toBe(5);
      return { snapshot, ids };
    };

    it('fails the reader by default, naming the stream, the position and how many entries were lost', async () => {
      const { snapshot, ids } = await trimmedWhileStopped();
      const restored = new ReaderDriver(source(), undefined, snapshot).start();
      const outcome = await restored.pollUntilEndOrFailure();
      expect(outcome).toBeInstanceOf(Error);
      expect((outcome as Error).message).toBe(
        `Redis stream 's' at ${redisForFile.server.url} was trimmed past the position the source reads from (${ids[1]}): ` +
          `3 entries after it were deleted unread (the stream now starts at ${ids[5]}). ` +
          "Set the source's onTrimmed: 'earliest' to go on from the first entry left.",
      );
      expect(restored.emitted).toEqual([]);
      restored.close();
    });

    it("with onTrimmed 'earliest' goes on from the first entry left, warns and counts the entries skipped", async () => {
      const { snapshot, ids } = await trimmedWhileStopped();
      const restored = new ReaderDriver(source({ onTrimmed: 'earliest' }), undefined, snapshot).start();
      await restored.pollUntilEmitted(3);
      expect(valuesOf(restored.emitted)).toEqual(['e6', 'e7', 'e8']);
      expect(restored.failures).toEqual([]);
      expect(restored.gauge('numEntriesSkippedByTrim')).toBe(3);
      expect(restored.warnings).toEqual([
        `Redis stream 's' at ${redisForFile.server.url} was trimmed past the position the source reads from (${ids[1]}): ` +
          `skipped 3 entries deleted unread; going on from ${ids[5]} (onTrimmed: 'earliest')`,
      ]);
      restored.close();
    });

    it('is not fooled by trimming of entries already read', async () => {
      const ids = await add('s', 'e1', 'e2', 'e3');
      const first = new ReaderDriver(source()).start();
      await first.pollUntilEmitted(2, 2);
      const snapshot = first.reader.snapshotState!(1);
      first.close();
      await redisForFile.client.xTrim('s', 'MINID', ids[2]); // deletes e1 and e2, both read
      const restored = new ReaderDriver(source(), undefined, snapshot).start();
      await restored.pollUntilEmitted(1);
      expect(valuesOf(restored.emitted)).toEqual(['e3']);
      expect(restored.failures).toEqual([]);
      expect(restored.gauge('numEntriesSkippedByTrim')).toBe(0);
      restored.close();
    });

    it('does not take entries deleted one by one (XDEL) for a trim when the stream still starts at the position', async () => {
      const ids = await add('s', 'e1', 'e2', 'e3', 'e4', 'e5');
      const first = new ReaderDriver(source()).start();
      await first.pollUntilEmitted(2, 2);
      const snapshot = first.reader.snapshotState!(1);
      first.close();
      await redisForFile.client.xTrim('s', 'MINID', ids[1]); // the stream now starts at the position, e2
      await redisForFile.client.xDel('s', [ids[2], ids[3]]);
      const restored = new ReaderDriver(source(), undefined, snapshot).start();
      await restored.pollUntilEmitted(1);
      expect(valuesOf(restored.emitted)).toEqual(['e5']);
      expect(restored.failures).toEqual([]);
      restored.close();
    });

    it('detects entries trimmed away while the reader is running, before it read them', async () => {
      await add('s', 'e1');
      const reader = new ReaderDriver(source()).start();
      await reader.pollUntilEmitted(1);
      // Three entries and a MAXLEN 1 in one transaction: two of them are never visible to XREAD.
      await redisForFile.client.multi().xAdd('s', '*', { v: 'e2' }).xAdd('s', '*', { v: 'e3' }).xAdd('s', '*', { v: 'e4' }).xTrim('s', 'MAXLEN', 1).exec();
      const outcome = await reader.pollUntilEndOrFailure();
      expect(outcome).toBeInstanceOf(Error);
      expect((outcome as Error).message).toMatch(
        /^Redis stream 's' at redis:\/\/127\.0\.0\.1:\d+ was trimmed past the position the source reads from \(\d+-\d+\): 2 entries after it were deleted unread/,
      );
      reader.close();
    });
    it('names an emptied stream, and with onTrimmed earliest goes on from the next entry added', async () => {
      const ids = await add('s', 'e1', 'e2', 'e3');
      const first = new ReaderDriver(source()).start();
      await first.pollUntilEmitted(1, 1);
      const snapshot = first.reader.snapshotState!(1);
      first.close();
      await redisForFile.client.xTrim('s', 'MAXLEN', 0);

      const failing = new ReaderDriver(source(), undefined, snapshot).start();
      const outcome = await failing.pollUntilEndOrFailure();
      expect((outcome as Error).message).toBe(
        `Redis stream 's' at ${redisForFile.server.url} was trimmed past the position the source reads from (${ids[0]}): ` +
          "2 entries after it were deleted unread (the stream is now empty). Set the source's onTrimmed: 'earliest' to go on from the first entry left.",
      );
      failing.close();

      const going = new ReaderDriver(source({ onTrimmed: 'earliest' }), undefined, snapshot).start();
      await waitFor('the trim warning', () => going.warnings.length > 0, 3000);
      expect(going.warnings).toEqual([
        `Redis stream 's' at ${redisForFile.server.url} was trimmed past the position the source reads from (${ids[0]}): ` +
          "skipped 2 entries deleted unread; going on from the next entry added (onTrimmed: 'earliest')",
      ]);
      const [e4] = await add('s', 'e4');
      await going.pollUntilEmitted(1);
      expect(valuesOf(going.emitted)).toEqual(['e4']);
      // Skipped entries count as read: a later trim is measured from there.
      expect(going.reader.snapshotState!(1)).toEqual([{ stream: 's', lastId: e4, entriesRead: 4 }]);
      expect(going.gauge('numEntriesSkippedByTrim')).toBe(2);
      going.close();
    });

    it('detects a trim after a checkpoint taken before the first entry was emitted, from the counter that checkpoint holds', async () => {
      const ids = await add('s', 'e1', 'e2', 'e3');
      const first = new ReaderDriver(source()).start();
      // Never polled: the checkpoint holds the resolved start, 0-0 with nothing trimmed before it.
      await waitFor(
        'the start position resolved',
        () => (first.reader.snapshotState!(1) as ReadonlyArray<{ entriesRead?: number }>)[0].entriesRead !== undefined,
        3000,
      );
      const snapshot = first.reader.snapshotState!(1);
      expect(snapshot).toEqual([{ stream: 's', lastId: '0-0', entriesRead: 0 }]);
      first.close();
      // e1 and e2 deleted unread. Resolving 0-0 again would count them as trimmed before the start.
      await redisForFile.client.xTrim('s', 'MAXLEN', 1);

      const failing = new ReaderDriver(source(), undefined, snapshot).start();
      const outcome = await failing.pollUntilEndOrFailure();
      expect((outcome as Error).message).toBe(
        `Redis stream 's' at ${redisForFile.server.url} was trimmed past the position the source reads from (0-0): ` +
          `2 entries after it were deleted unread (the stream now starts at ${ids[2]}). Set the source's onTrimmed: 'earliest' to go on from the first entry left.`,
      );
      expect(failing.emitted).toEqual([]);
      failing.close();

      const going = new ReaderDriver(source({ onTrimmed: 'earliest' }), undefined, snapshot).start();
      await going.pollUntilEmitted(1);
      expect(valuesOf(going.emitted)).toEqual(['e3']);
      expect(going.gauge('numEntriesSkippedByTrim')).toBe(2);
      expect(going.reader.snapshotState!(1)).toEqual([{ stream: 's', lastId: ids[2], entriesRead: 3 }]);
      going.close();
    });

    it('detects a trim on a stream that did not exist at the start', async () => {
      const reader = new ReaderDriver(source()).start();
      await waitFor(
        'the start position resolved',
        () =>
          reader.reader.snapshotState!(1)[0] !== undefined && (reader.reader.snapshotState!(1) as ReadonlyArray<{ entriesRead?: number }>)[0].entriesRead === 0,
        3000,
      );
      await redisForFile.client.multi().xAdd('s', '*', { v: 'e1' }).xAdd('s', '*', { v: 'e2' }).xAdd('s', '*', { v: 'e3' }).xTrim('s', 'MAXLEN', 1).exec();
      const outcome = await reader.pollUntilEndOrFailure();
      expect((outcome as Error).message).toMatch(/trimmed past the position the source reads from \(0-0\): 2 entries after it were deleted unread/);
      reader.close();
    });
  });

  describe('fetching ahead', () => {
    /** A started reader of stream 's' that counts the entries it fetched (deserialized). */
    const countingReader = (): { reader: ReaderDriver<RedisStreamEntry>; fetchedCount: () => number } => {
      let fetched = 0;
      const reader = new ReaderDriver(
        source({
          deserialize: (e) => {
            fetched++;
            return e;
          },
        }),
      ).start();
      return { reader, fetchedCount: () => fetched };
    };

    it('wakes the task when entries arrive after it found nothing, once until it polls again', async () => {
      const { reader, fetchedCount } = countingReader();
      await add('s', 'e1');
      // Fetched before the task polled at all: it does not wait, so it is not woken.
      await waitFor('e1 fetched', () => fetchedCount() === 1);
      expect(reader.wakeupCount).toBe(0);
      await reader.pollUntilEmitted(1);
      expect(reader.poll(10)).toBe('NOTHING_AVAILABLE');
      await add('s', 'e2');
      await waitFor('e2 fetched', () => fetchedCount() === 2);
      expect(reader.wakeupCount).toBe(1);
      // Not polled since: the task was woken already.
      await add('s', 'e3');
      await waitFor('e3 fetched', () => fetchedCount() === 3);
      expect(reader.wakeupCount).toBe(1);
      await reader.pollUntilEmitted(3);
      expect(valuesOf(reader.emitted)).toEqual(['e1', 'e2', 'e3']);
      reader.close();
    });

    it('fetches at most 10 000 entries ahead of the task, and fetches on once the task took them', async () => {
      const multi = redisForFile.client.multi();
      for (let i = 0; i < 10_500; i++) multi.xAdd('s', '*', { v: String(i) });
      await multi.exec();
      const readsBefore = await xreadCalls();
      const { reader, fetchedCount } = countingReader();
      // Ten reads of 1000 (the default batch) fill the queue; a reader that fetched on would have
      // sent its eleventh XREAD before this test, woken only later, asks the server.
      await waitFor('10 000 entries fetched', () => fetchedCount() >= 10_000);
      expect(await xreadCalls()).toBe(readsBefore + 10);
      expect(fetchedCount()).toBe(10_000);
      expect(reader.poll(9_999)).toBe('MORE_AVAILABLE');
      expect(await xreadCalls()).toBe(readsBefore + 10);
      await reader.pollUntilEmitted(10_500, 10_500);
      expect(reader.emitted[10_499].fields.v).toBe('10499');
      reader.close();
    });
  });

  describe('idleness and outages', () => {
    it('ends when idle only after reads that succeeded found nothing for stopWhenIdleMs of its clock', async () => {
      await add('s', 'only');
      const reader = new ReaderDriver(source({ stopWhenIdleMs: 1000 })).start();
      await reader.pollUntilEmitted(1);
      reader.clock.advance(999);
      await afterReads(2);
      expect(reader.poll(10)).toBe('NOTHING_AVAILABLE');
      const wakeups = reader.wakeupCount;
      reader.clock.advance(1);
      // The next read that finds nothing ends the input, and wakes the task to see it.
      await waitFor('the task woken', () => reader.wakeupCount > wakeups);
      expect(reader.poll(10)).toBe('END_OF_INPUT');
      reader.close();
    });

    it('counts the idle time from the last read that found entries, also when a non-blocking read found them', async () => {
      const reader = new ReaderDriver(source({ stopWhenIdleMs: 1000, blockMs: 60_000 })).start();
      // The first read, at 0, found nothing.
      await blockedInXRead();
      reader.clock.advance(999);
      // The blocking read ends empty, and the entry is there for the next non-blocking read.
      await timeOutBlockingRead(['XADD', 's', '*', 'v', 'x']);
      await reader.pollUntilEmitted(1);
      await blockedInXRead();
      // 1000 ms after the first empty read, 1 ms after the entry: not idle long enough.
      reader.clock.advance(1);
      await timeOutBlockingRead();
      await blockedInXRead();
      expect(reader.poll(10)).toBe('NOTHING_AVAILABLE');
      reader.clock.advance(999);
      // The blocking read that found nothing for 1000 ms ends the input; an entry added after it is not read.
      await timeOutBlockingRead(['XADD', 's', '*', 'v', 'after the end']);
      expect(await reader.pollUntilEndOrFailure()).toBe('END_OF_INPUT');
      expect(valuesOf(reader.emitted)).toEqual(['x']);
      reader.close();
    });

    it('ends at the first read that finds nothing once the idle time ran out, and reads no more', async () => {
      const reader = new ReaderDriver(source({ stopWhenIdleMs: 0, blockMs: 60_000 })).start();
      expect(await reader.pollUntilEndOrFailure()).toBe('END_OF_INPUT');
      // A blocking XREAD after the end would have been sent before the poll above saw it.
      expect(await redisForFile.client.sendCommand<string>(['CLIENT', 'LIST'])).not.toMatch(/flags=b .*cmd=xread/);
      reader.close();
    });

    it('reads an entry that arrives while it waits in a blocking read, even when the idle time ran out meanwhile', async () => {
      const reader = new ReaderDriver(source({ stopWhenIdleMs: 1000, blockMs: 60_000 })).start();
      await blockedInXRead();
      reader.clock.advance(1000);
      await add('s', 'late');
      await reader.pollUntilEmitted(1);
      expect(valuesOf(reader.emitted)).toEqual(['late']);
      expect(reader.poll(10)).toBe('NOTHING_AVAILABLE');
      reader.close();
    });

    it('fails with the reply when Redis refuses a read, naming the URL, and closes its connection', async () => {
      await redisForFile.client.set('s', 'not a stream');
      const reader = new ReaderDriver(source()).start();
      const outcome = await reader.pollUntilEndOrFailure();
      expect((outcome as Error).message).toMatch(new RegExp(`^Redis source ${redisForFile.server.url} got an error reply: WRONGTYPE`));
      expect(reader.failures).toHaveLength(1);
      // Closed by the failure, not left for close(): nothing keeps the process alive.
      await noReaderConnection();
      reader.close();
    });

    it('reports nothing once closed, even though closing ends the read it was waiting in', async () => {
      const reader = new ReaderDriver(source({ blockMs: 60_000 })).start();
      await blockedInXRead();
      reader.close();
      await noReaderConnection();
      // Let the end of the pending read go through the reader's promise chain.
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      expect(reader.failures).toEqual([]);
      expect(reader.warnings).toEqual([]);
    });

    it('does not end when idle while Redis is down: it fails, naming the URL, and warns', async () => {
      const own = await RedisServer.start();
      const ownClient = createClient({ url: own.url });
      await ownClient.connect();
      await ownClient.xAdd('s', '*', { v: 'only' });
      ownClient.destroy();
      const reader = new ReaderDriver(source({ url: own.url, stopWhenIdleMs: 1000 })).start();
      await reader.pollUntilEmitted(1);
      await own.stop();
      reader.clock.advance(60_000);
      const outcome = await reader.pollUntilEndOrFailure();
      expect(outcome).toBeInstanceOf(Error);
      // The server's shutdown closes the connection, or resets it when the close races the
      // client's next read: node-redis names either.
      expect((outcome as Error).message).toMatch(
        new RegExp(`^Redis source lost its connection to ${own.url.replace(/[.]/g, '\\.')}: (Socket closed unexpectedly|read ECONNRESET)$`),
      );
      expect(reader.warnings).toEqual([`${(outcome as Error).message}; failing the source (the job restarts if its restart strategy allows)`]);
      // Down is not idle: the input never ends while Redis cannot be reached.
      reader.clock.advance(60_000);
      expect(reader.poll(10)).not.toBe('END_OF_INPUT');
      reader.close();
    });

    // Real time: the connect timeout is node-redis's own socket timer, which no manual clock drives.
    // A connect that hung until the default 5 s instead of the 200 ms given fails this test at 3 s.
    it('gives up connecting after the connect timeout given, naming the URL', async () => {
      const unanswered = await UnansweredPort.start();
      try {
        const reader = new ReaderDriver(source({ url: unanswered.url, connectTimeoutMs: 200 })).start();
        const started = Date.now();
        const outcome = await reader.pollUntilEndOrFailure(3000);
        // "Connection timeout": the connect hung (a refused one fails at once, saying so).
        expect((outcome as Error).message).toBe(`Redis source cannot connect to ${unanswered.url}: Connection timeout`);
        expect(Date.now() - started).toBeLessThan(2000);
        reader.close();
      } finally {
        unanswered.close();
      }
    }, 4000);

    it('fails naming the lost connection when it is cut while a non-blocking read waits for its reply', async () => {
      await add('s', 'e1');
      // Cut at the XREAD inside the first read's MULTI (a blocking XREAD carries BLOCK).
      const proxy = await RedisCommandProxy.start(redisForFile.server.port, async (command) =>
        command[0].toUpperCase() === 'XREAD' && !command.includes('BLOCK') ? 'drop-connection' : 'forward',
      );
      try {
        const reader = new ReaderDriver(source({ url: proxy.url })).start();
        const outcome = await reader.pollUntilEndOrFailure();
        expect((outcome as Error).message).toBe(`Redis source lost its connection to ${proxy.url}: Socket closed unexpectedly`);
        expect(reader.emitted).toEqual([]);
        reader.close();
      } finally {
        await proxy.stop();
      }
    });

    it('fails with a clear message naming the URL when Redis cannot be reached at start, instead of ending idle', async () => {
      const url = `redis://127.0.0.1:${await freeLoopbackPort()}`;
      const reader = new ReaderDriver(new RedisStreamSource({ url, streams: ['s'], stopWhenIdleMs: 1000 })).start();
      reader.clock.advance(60_000);
      const outcome = await reader.pollUntilEndOrFailure();
      expect(outcome).toBeInstanceOf(Error);
      expect((outcome as Error).message).toMatch(new RegExp(`^Redis source cannot connect to ${url}: connect ECONNREFUSED`));
      expect(reader.warnings).toHaveLength(1);
      reader.clock.advance(60_000);
      expect(reader.poll(10)).not.toBe('END_OF_INPUT');
      reader.close();
    });
  });
});
