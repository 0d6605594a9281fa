import fs from 'fs';
import os from 'os';
import path from 'path';
import { createClient } from 'redis';
import { RedisStreamSink } from '../../lib/connectors/redis/RedisStreamSink';
import { JobHarness } from '../harness/JobHarness';
import { RedisServer } from '../harness/RedisServer';
import { ReplayableTestSource } from '../harness/ReplayableTestSource';
import { stepUntil } from '../harness/stepUntil';

async function committed(url: string, stream: string): Promise<string[]> {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.xRange(stream, '-', '+')).map((e) => e.message.line);
  } finally {
    client.destroy();
  }
}

describe('a job writing to a Redis stream through a Redis outage', () => {
  let dir: string;
  let redis: RedisServer | undefined;
  let h: JobHarness | undefined;

  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-sink-outage-'))));
  afterEach(async () => {
    await h?.close();
    await redis?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fails over while Redis is down instead of hanging, and commits every record once when it is back', async () => {
    redis = await RedisServer.start({ dir });
    const url = redis.url;
    const source = new ReplayableTestSource<string>();
    h = new JobHarness({ parallelism: 1 });
    h.env.enableCheckpointing(100);
    h.env.setRestartStrategy({ type: 'fixed-delay', attempts: 1000, delayMs: 500 });
    h.env.fromSource(source, undefined, 'Records').sinkTo(new RedisStreamSink<string>({ url, stream: 'out', connectTimeoutMs: 200 }));
    const client = await h.start();

    const first = ['a1', 'a2', 'a3'];
    source.append(0, ...first);
    await stepUntil(h, 10, async () => (await committed(url, 'out')).length === first.length, 'the first records committed');

    // Written, maybe staged or pre-committed, not committed when Redis goes away.
    source.append(0, 'b1', 'b2');
    const appendedAt = h.clock.now();
    await stepUntil(h, 10, () => h!.clock.now() >= appendedAt + 50, 'the next records written');
    await redis.stop({ save: true });
    const restartsBefore = source.restoredPositions.length;
    await stepUntil(h, 100, () => h!.clock.now() >= 20_000, '20 s of the job clock');
    expect(client.getJobStatus()).not.toBe('FINISHED');
    // Each failed attempt ended and the next began: the old attempt's abort did not hold the restart.
    expect(source.restoredPositions.length - restartsBefore).toBeGreaterThanOrEqual(3);
    expect(h.stderr.some((l) => l.includes(`Redis sink of stream 'out' (subtask 0) lost its connection to ${url}`))).toBe(true);
    expect(h.stderr.some((l) => l.includes(`Redis sink of stream 'out' (subtask 0) cannot connect to ${url}`))).toBe(true);

    redis = await redis.restart();
    source.append(0, 'c1', 'c2').end(0);
    let finished = false;
    const result = client.getJobExecutionResult().finally(() => (finished = true));
    await stepUntil(h, 50, () => finished, 'the job to finish');
    expect((await result).numRestarts).toBeGreaterThan(0);
    expect(await committed(url, 'out')).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'c1', 'c2']);
  }, 60_000);
});
