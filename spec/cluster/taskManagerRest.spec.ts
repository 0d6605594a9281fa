import { JobManagerProcess } from '../../actors/processes/JobManagerProcess';
import { TaskManagerProcess } from '../../actors/processes/TaskManagerProcess';
import { TaskManagerDetailsBody, TaskManagersBody } from '../../lib/rest/RestTypes';
import { ManualClock } from '../../lib/time/ManualClock';
import { getJson } from '../harness/httpGet';

/**
 * A JobManager serving REST and a TaskManager, talking over loopback TCP, each on its own manual
 * clock: the last heartbeat /taskmanagers shows is when the TaskManager's heartbeat reached the
 * JobManager, not the time of the answer.
 */
const heartbeat = { intervalMs: 100, timeoutMs: 1000 };
const START = 1_000_000;

async function until(check: () => Promise<boolean>): Promise<void> {
  // Messages cross a real socket: give the event loop turns until they have arrived.
  for (let i = 0; i < 1000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not reached');
}

describe('REST API: a TaskManager process', () => {
  const jmClock = new ManualClock(START);
  const tmClock = new ManualClock(START);
  let jm: JobManagerProcess;
  let tm: TaskManagerProcess;
  let url: string;

  beforeAll(async () => {
    jm = await JobManagerProcess.start({ port: 0, restPort: 0, heartbeat }, jmClock);
    url = jm.restUrl!;
    tm = await TaskManagerProcess.start({ jobManagerHost: '127.0.0.1', jobManagerPort: jm.port, slots: 3, heartbeat, clock: tmClock });
    await tm.registered;
  });

  afterAll(async () => {
    tm.stop();
    await tm.closed;
    await jm.shutdown();
  });

  const listed = async (): Promise<TaskManagersBody['taskmanagers']> => (await getJson<TaskManagersBody>(url, '/taskmanagers')).taskmanagers;

  it('is listed with its host and data port, its slots, and the time it registered as its last heartbeat', async () => {
    await until(async () => (await listed()).length === 1);
    // Time passes on the JobManager only: the TaskManager has sent no heartbeat yet.
    jmClock.advance(20);
    const [info] = await listed();
    expect(info).toMatchObject({ id: 'taskmanager-0', host: '127.0.0.1', slotsNumber: 3, freeSlots: 3, timeSinceLastHeartbeat: START });
    expect(info.dataPort).toBeGreaterThan(0);
    expect(info.path).toBe(`127.0.0.1:${info.dataPort}`);
  });

  it('shows when its last heartbeat arrived, which ages while it sends none', async () => {
    jmClock.advance(40);
    // The TaskManager's interval elapses on its clock: it sends a heartbeat, heard at START + 60.
    tmClock.advance(100);
    await until(async () => (await listed())[0].timeSinceLastHeartbeat === START + 60);
    // The JobManager's time goes on, the TaskManager's stands still: no heartbeat comes.
    jmClock.advance(500);
    const details = await getJson<TaskManagerDetailsBody>(url, '/taskmanagers/taskmanager-0');
    expect(details.now - details.timeSinceLastHeartbeat).toBe(500);
    expect(details.jobs).toEqual([]);
  });
});
