import fs from 'fs';
import os from 'os';
import path from 'path';
import { JobManagerGateway } from '../../actors/JobManagerGateway';
import { RestServer } from '../../lib/rest/RestServer';
import { CheckpointsBody, ErrorBody, JobDetailsBody, SavepointStatusBody, TriggerBody } from '../../lib/rest/RestTypes';
import { getJson, request } from '../harness/httpGet';
import { JobHarness } from '../harness/JobHarness';
import { TestSource } from '../harness/TestSource';

/** Savepoints through the REST API, as Flink's: trigger, then poll the operation's status. */
describe('savepoints from the REST API', () => {
  let h: JobHarness;
  let source: TestSource<string>;
  let server: RestServer;
  let url: string;
  let jobId: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-savepoints-'));

  /** Settles the job until the operation completed (barriers need the actors to run, the files a write). */
  async function completed(op: string): Promise<SavepointStatusBody> {
    for (let i = 0; i < 2000; i++) {
      const status = await getJson<SavepointStatusBody>(url, `/jobs/${jobId}/savepoints/${op}`);
      if (status.status.id === 'COMPLETED') return status;
      await h.advance(10);
    }
    throw new Error(`savepoint ${op} never completed`);
  }

  beforeAll(async () => {
    h = new JobHarness({ parallelism: 2 });
    h.env.enableCheckpointing(60_000);
    source = new TestSource<string>(1);
    h.env
      .fromSource(source, undefined, 'Test Source')
      .map((s) => ({ key: s, n: 1 }))
      .keyBy('key')
      .sum('n')
      .map((r) => `${r.key} ${r.n}`)
      .print();
    jobId = (await h.start('counting')).jobId;
    server = new RestServer(new JobManagerGateway(h.cluster.system, h.cluster.jobManager), { port: 0, enableSavepoint: true });
    url = await server.start();
  });

  afterAll(async () => {
    await server.close();
    await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('takes a savepoint into the target directory and shows it in the checkpoint statistics', async () => {
    source.emit('a', 'b', 'a');
    await h.advance(200);
    const trigger = await request(url, `/jobs/${jobId}/savepoints`, { method: 'POST', body: JSON.stringify({ 'target-directory': dir, 'cancel-job': false }) });
    expect(trigger.status).toBe(202);
    const { 'request-id': op } = trigger.json<TriggerBody>();
    expect(op).toMatch(/^[0-9a-f]{32}$/);
    const status = await completed(op);
    const location = (status.operation as { location: string }).location;
    expect(location.startsWith(dir)).toBe(true);
    expect(fs.existsSync(location)).toBe(true);
    const checkpoints = await getJson<CheckpointsBody>(url, `/jobs/${jobId}/checkpoints`);
    expect(checkpoints.counts.completed).toBe(1);
    expect(checkpoints.latest.savepoint).toMatchObject({ status: 'COMPLETED', is_savepoint: true, num_subtasks: 5, num_acknowledged_subtasks: 5 });
    expect(checkpoints.history.map((c) => c.id)).toEqual([checkpoints.latest.savepoint!.id]);
  });

  it('rejects bad savepoint requests with 400 and unknown operations with 404', async () => {
    for (const body of ['not json', '[1]', JSON.stringify({ 'target-directory': 7 }), JSON.stringify({ 'cancel-job': true })]) {
      const answer = await request(url, `/jobs/${jobId}/savepoints`, { method: 'POST', body });
      expect([body, answer.status]).toEqual([body, 400]);
      expect(answer.json<ErrorBody>().errors).toHaveLength(1);
    }
    expect((await request(url, `/jobs/${jobId}/savepoints/0123456789abcdef0123456789abcdef`)).status).toBe(404);
    expect((await request(url, `/jobs/${jobId}/savepoints/nope`)).status).toBe(404);
  });

  it('stops the job with a savepoint: it finishes', async () => {
    const trigger = await request(url, `/jobs/${jobId}/stop`, { method: 'POST', body: JSON.stringify({ targetDirectory: dir }) });
    expect(trigger.status).toBe(202);
    const status = await completed(trigger.json<TriggerBody>()['request-id']);
    expect(fs.existsSync((status.operation as { location: string }).location)).toBe(true);
    await h.result();
    expect((await getJson<JobDetailsBody>(url, `/jobs/${jobId}`)).state).toBe('FINISHED');
  });
});
