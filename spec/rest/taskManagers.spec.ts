import { JobManagerGateway } from '../../actors/JobManagerGateway';
import { ClusterOverview } from '../../lib/controlplane/ClusterQueries';
import { taskManagersBody } from '../../lib/rest/JobViews';
import { RestServer } from '../../lib/rest/RestServer';
import { ErrorBody, TaskManagerDetailsBody, TaskManagersBody, VertexDetailsBody } from '../../lib/rest/RestTypes';
import { getJson, request } from '../harness/httpGet';
import { JobHarness } from '../harness/JobHarness';
import { TestSource } from '../harness/TestSource';

/**
 * GET /taskmanagers and /taskmanagers/:id on a MiniCluster of two TaskManagers with 2 slots each,
 * on a manual clock, running a job of parallelism 3: slots are spread round robin, so
 * taskmanager-0 holds 2 and taskmanager-1 holds 1.
 */
describe('REST API: the TaskManagers', () => {
  const START = 1_000_000;
  let h: JobHarness;
  let server: RestServer;
  let url: string;
  let jobId: string;

  beforeAll(async () => {
    h = new JobHarness({ parallelism: 3, numberOfTaskManagers: 2, slotsPerTaskManager: 2, startTime: START });
    const source = new TestSource<number>(3);
    h.env
      .fromSource(source, undefined, 'Numbers')
      .map((x) => x + 1)
      .name('Plus one')
      .print();
    jobId = (await h.start('Two TaskManagers')).jobId;
    server = new RestServer(new JobManagerGateway(h.cluster.system, h.cluster.jobManager), { port: 0 });
    url = await server.start();
  });

  afterAll(async () => {
    await server.close();
    await h.close();
  });

  it('lists both with Flink field names, their slots in use, and "now" as the heartbeat of in-process TaskManagers', async () => {
    await h.advance(7000);
    const body = await getJson<TaskManagersBody>(url, '/taskmanagers');
    const now = h.clock.now();
    expect(now).toBe(START + 7000);
    expect(body.now).toBe(now);
    expect(body.taskmanagers).toEqual([
      { id: 'taskmanager-0', path: 'in process', host: 'localhost', dataPort: -1, timeSinceLastHeartbeat: now, slotsNumber: 2, freeSlots: 0 },
      { id: 'taskmanager-1', path: 'in process', host: 'localhost', dataPort: -1, timeSinceLastHeartbeat: now, slotsNumber: 2, freeSlots: 1 },
    ]);
  });

  it('names in every subtask a TaskManager that /taskmanagers lists, with its host', async () => {
    const listed = new Set((await getJson<TaskManagersBody>(url, '/taskmanagers')).taskmanagers.map((t) => t.id));
    const subtasks = (await getJson<VertexDetailsBody>(url, `/jobs/${jobId}/vertices/1`)).subtasks;
    expect(subtasks.map((s) => [s.subtask, s['taskmanager-id'], s.host, s.endpoint])).toEqual([
      [0, 'taskmanager-0', 'localhost', 'in process'],
      [1, 'taskmanager-1', 'localhost', 'in process'],
      [2, 'taskmanager-0', 'localhost', 'in process'],
    ]);
    for (const s of subtasks) expect(listed.has(s['taskmanager-id'])).toBe(true);
  });

  it('answers /taskmanagers/:id with the slots each job holds there, and 404 for an unknown id', async () => {
    const tm1 = await getJson<TaskManagerDetailsBody>(url, '/taskmanagers/taskmanager-1');
    expect(tm1).toMatchObject({ id: 'taskmanager-1', slotsNumber: 2, freeSlots: 1, now: h.clock.now(), jobs: [{ jid: jobId, slots: 1 }] });
    const tm0 = await getJson<TaskManagerDetailsBody>(url, '/taskmanagers/taskmanager-0');
    expect(tm0.jobs).toEqual([{ jid: jobId, slots: 2 }]);
    const missing = await request(url, '/taskmanagers/taskmanager-7');
    expect(missing.status).toBe(404);
    expect(missing.json<ErrorBody>().errors[0]).toContain("no TaskManager 'taskmanager-7'");
  });
});

describe('REST API: where each kind of TaskManager runs', () => {
  it("names a worker thread 'thread N' and a process by its host and data port", () => {
    const cluster: ClusterOverview = {
      now: 5000,
      jobs: [],
      taskManagers: [
        { id: 0, slots: 1, freeSlots: 1, location: { kind: 'thread', threadNumber: 0 }, lastHeartbeat: 5000, jobSlots: [] },
        { id: 1, slots: 4, freeSlots: 2, location: { kind: 'process', host: '10.0.0.5', dataPort: 41234 }, lastHeartbeat: 4200, jobSlots: [] },
      ],
    };
    expect(taskManagersBody(cluster).taskmanagers.map((t) => [t.id, t.path, t.host, t.dataPort, t.timeSinceLastHeartbeat])).toEqual([
      ['taskmanager-0', 'thread 0', 'localhost', -1, 5000],
      ['taskmanager-1', '10.0.0.5:41234', '10.0.0.5', 41234, 4200],
    ]);
  });
});
