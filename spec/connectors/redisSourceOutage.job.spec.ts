import fs from 'fs';
import os from 'os';
import path from 'path';
import { createClient } from 'redis';
import { findLatestCompletedCheckpoint } from '../../lib/runtime/checkpoint/CheckpointStorage';
import { ipCountExactlyOnceJob } from '../../samples/ipcount-exactly-once/IpCountExactlyOnceJob';
import { JobHarness } from '../harness/JobHarness';
import { RedisServer } from '../harness/RedisServer';
import { stepUntil } from '../harness/stepUntil';

type Client = ReturnType<typeof createClient>;

async function connect(url: string): Promise<Client> {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function append(url: string, stream: string, lines: readonly string[]): Promise<void> {
  const client = await connect(url);
  for (const line of lines) await client.xAdd(stream, '*', { line });
  client.destroy();
}

async function committed(url: string, stream: string): Promise<string[]> {
  const client = await connect(url);
  const entries = await client.xRange(stream, '-', '+');
  client.destroy();
  return entries.map((e) => e.message.line);
}

describe('the exactly-once IpCount job through a Redis outage longer than stopWhenIdleMs', () => {
  let dir: string;
  let redis: RedisServer | undefined;
  let h: JobHarness | undefined;

  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-outage-'))));
  afterEach(async () => {
    await h?.close();
    await redis?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('does not end while Redis is down, and commits one full count per window once it is back', async () => {
    fs.mkdirSync(path.join(dir, 'redis'));
    redis = await RedisServer.start({ dir: path.join(dir, 'redis') });
    const before = ['09:07:50', '09:07:50', '09:07:51', '09:07:51', '09:07:52', '09:07:52', '09:07:53'].map((t) => `${t} 10.0.0.8`);
    const after = ['09:07:53', '09:07:53', '09:07:54', '09:07:54', '09:07:54', '09:07:54', '09:07:54', '09:07:54', '09:07:54'].map((t) => `${t} 10.0.0.8`);
    await append(redis.url, 'access', before);

    const checkpointDir = path.join(dir, 'checkpoints');
    h = new JobHarness({ parallelism: 1 });
    ipCountExactlyOnceJob(h.env, {
      redis: redis.url,
      sourceStreams: ['access'],
      sinkStream: 'ipcounts',
      checkpointDir,
      parallelism: 1,
      checkpointIntervalMs: 100,
      stopWhenIdleMs: 700,
      resumeFrom: undefined,
    });
    h.env.setRestartStrategy({ type: 'fixed-delay', attempts: 1000, delayMs: 500 });
    const client = await h.start();
    await stepUntil(h, 10, () => findLatestCompletedCheckpoint(checkpointDir) !== undefined, 'a completed checkpoint');

    // Down for 20 s of the job's clock, far longer than stopWhenIdleMs: failing over, never finished.
    await redis.stop({ save: true });
    await stepUntil(h, 100, () => h!.clock.now() >= 20_000, '20 s of the job clock');
    expect(client.getJobStatus()).not.toBe('FINISHED');
    expect(
      h.stderr.some((l) => l.includes(`Redis source lost its connection to ${redis!.url}`) || l.includes(`Redis source cannot connect to ${redis!.url}`)),
    ).toBe(true);

    redis = await redis.restart();
    await append(redis.url, 'access', after);
    let finished = false;
    const result = client.getJobExecutionResult().finally(() => (finished = true));
    await stepUntil(h, 50, () => finished, 'the job to finish');
    expect((await result).numRestarts).toBeGreaterThan(0);
    // One result for the window, with all 16 requests; not a partial count committed at the outage.
    expect(await committed(redis.url, 'ipcounts')).toEqual(['09:07:50 10.0.0.8 16']);
  }, 60_000);
});
