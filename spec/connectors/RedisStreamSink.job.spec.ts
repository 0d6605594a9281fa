import { createClient } from 'redis';
import { RedisStreamSink } from '../../lib/connectors/redis/RedisStreamSink';
import { runFinishedSubtaskRecovery } from '../harness/finishedSubtaskRecovery';
import { RedisServer } from '../harness/RedisServer';

type Client = ReturnType<typeof createClient>;

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

  it("a subtask that finished early does not delete another subtask's pending transaction on recovery", async () => {
    const expected = await runFinishedSubtaskRecovery(new RedisStreamSink<string>({ url: redis.url, stream: 'out' }));
    expect((await lines('out')).sort()).toEqual(expected);
  });
});
