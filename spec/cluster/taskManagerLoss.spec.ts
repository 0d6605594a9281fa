import net from 'net';
import { JobManagerProcess } from '../../actors/processes/JobManagerProcess';
import { TaskManagerProcess } from '../../actors/processes/TaskManagerProcess';
import { connect, FramedConnection } from '../../lib/cluster/net/FramedConnection';
import { ManualClock } from '../../lib/time/ManualClock';

/**
 * A JobManager and a TaskManager in this process, talking over loopback TCP, each on its own
 * manual clock: heartbeats are driven by advancing the clocks, never by waiting.
 */
const heartbeat = { intervalMs: 100, timeoutMs: 1000 };

async function until(check: () => Promise<boolean>): Promise<void> {
  // Messages cross a real socket: give the event loop turns until they have arrived.
  for (let i = 0; i < 1000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not reached');
}

describe('a TaskManager process as its JobManager sees it', () => {
  let jm: JobManagerProcess;
  let tm: TaskManagerProcess | undefined;
  const jmClock = new ManualClock(1_000_000);
  const tmClock = new ManualClock(1_000_000);

  beforeEach(async () => {
    jm = await JobManagerProcess.start({ port: 0, heartbeat }, jmClock);
  });

  afterEach(async () => {
    tm?.stop();
    await tm?.closed;
    await jm.shutdown();
  });

  const slotsOffered = async (): Promise<number> => (await jm.gateway.requestClusterOverview()).taskManagers.reduce((n, t) => n + t.slots, 0);

  it('registers its slots, and is declared lost when its heartbeats stop for the timeout', async () => {
    tm = await TaskManagerProcess.start({ jobManagerHost: '127.0.0.1', jobManagerPort: jm.port, slots: 3, heartbeat, clock: tmClock });
    expect(await tm.registered).toBe(0);
    await until(async () => (await slotsOffered()) === 3);
    // The TaskManager's clock stands still: it sends nothing.
    jmClock.advance(999);
    await until(async () => true);
    expect(await slotsOffered()).toBe(3);
    jmClock.advance(1);
    await until(async () => (await slotsOffered()) === 0);
    // It is disconnected for good, and stops.
    const reason = await tm.closed;
    expect(reason?.message).toMatch(/^lost the JobManager: /);
  });

  it('is declared lost as soon as its connection closes, without waiting for the heartbeat timeout', async () => {
    tm = await TaskManagerProcess.start({ jobManagerHost: '127.0.0.1', jobManagerPort: jm.port, slots: 2, heartbeat, clock: tmClock });
    await tm.registered;
    await until(async () => (await slotsOffered()) === 2);
    tm.stop();
    await tm.closed;
    await until(async () => (await slotsOffered()) === 0);
  });

  it('stops when the JobManager stays silent for the timeout', async () => {
    tm = await TaskManagerProcess.start({ jobManagerHost: '127.0.0.1', jobManagerPort: jm.port, slots: 1, heartbeat, clock: tmClock });
    await tm.registered;
    tmClock.advance(1000);
    expect((await tm.closed)?.message).toBe('no heartbeat from the JobManager for 1000 ms');
  });
});

describe('a framed connection', () => {
  const pair = async (maxFrameBytes?: number) => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const accepted = new Promise<FramedConnection<unknown, unknown>>((resolve) =>
      server.once('connection', (s) => resolve(new FramedConnection<unknown, unknown>(s, maxFrameBytes))),
    );
    const client = await connect<unknown, unknown>('127.0.0.1', (server.address() as net.AddressInfo).port, maxFrameBytes);
    const other = await accepted;
    server.close();
    return { client, other };
  };

  it('carries messages in order', async () => {
    const { client, other } = await pair();
    const got: unknown[] = [];
    const all = new Promise<void>((resolve) =>
      other.onMessage((m) => {
        got.push(m);
        if (got.length === 100) resolve();
      }),
    );
    for (let i = 0; i < 100; i++) client.send({ i, timestamps: new Float64Array([i]) });
    await all;
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => ({ i, timestamps: new Float64Array([i]) })));
    client.close();
    other.close();
  });

  it('closes for good, with the reason, when the other side drops it', async () => {
    const { client, other } = await pair();
    const closed = new Promise<Error | undefined>((resolve) => other.onClose(resolve));
    client.socket.destroy();
    expect((await closed)?.message).toMatch(/^connection to 127\.0\.0\.1:\d+ closed$/);
    expect(other.isOpen).toBe(false);
  });

  it('closes when a frame larger than the maximum arrives, naming the sizes', async () => {
    const { client, other } = await pair(1024);
    const closed = new Promise<Error | undefined>((resolve) => other.onClose(resolve));
    const header = Buffer.alloc(4);
    header.writeUInt32BE(4096, 0);
    client.socket.write(header);
    expect((await closed)?.message).toBe('a frame of 4096 bytes exceeds the maximum frame size of 1024 bytes');
    client.close();
  });
});
