import { JobManagerGateway } from '../../actors/JobManagerGateway';
import { RestServer } from '../../lib/rest/RestServer';
import {
  ConfigBody,
  ErrorBody,
  JobDetailsBody,
  JobIdsBody,
  JobPlanBody,
  JobsOverviewBody,
  OverviewBody,
  SavepointStatusBody,
  TaskManagersBody,
  TriggerBody,
  VertexDetailsBody,
} from '../../lib/rest/RestTypes';
import { MIN_WATERMARK } from '../../lib/time/Watermark';
import { ipCountPipeline } from '../../samples/ipcount/IpCountJob';
import { getJson, request } from '../harness/httpGet';
import { JobHarness } from '../harness/JobHarness';
import { TestSource } from '../harness/TestSource';

const hms = (h: number, m: number, s: number): number => Date.UTC(1970, 0, 1, h, m, s);

/**
 * The seed job (source at parallelism 1, then Task 2 and Task 3 at parallelism 2) on a manual
 * clock, fed line by line, with the REST server on a free port in front of its JobManager.
 */
describe('REST API against a running seed job', () => {
  let h: JobHarness;
  let source: TestSource<string>;
  let server: RestServer;
  let url: string;
  let jobId: string;

  const job = (): Promise<JobDetailsBody> => getJson<JobDetailsBody>(url, `/jobs/${jobId}`);
  const vertex = (vid: number): Promise<VertexDetailsBody> => getJson<VertexDetailsBody>(url, `/jobs/${jobId}/vertices/${vid}`);

  beforeAll(async () => {
    h = new JobHarness({ parallelism: 2, slotsPerTaskManager: 2 });
    source = new TestSource<string>(1);
    ipCountPipeline(h.env.fromSource(source, undefined, 'Test Source'));
    jobId = (await h.start('Socket Window IpCount')).jobId;
    server = new RestServer(new JobManagerGateway(h.cluster.system, h.cluster.jobManager), { port: 0, rateWindowMs: 1000 });
    url = await server.start();
  });

  afterAll(async () => {
    await server.close();
    await h.close();
  });

  it('binds to 127.0.0.1 by default', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('answers /overview, /jobs, /jobs/overview and /taskmanagers from the JobManager', async () => {
    const overview = await getJson<OverviewBody>(url, '/overview');
    expect(overview).toMatchObject({ taskmanagers: 1, 'slots-total': 2, 'slots-available': 0, 'jobs-running': 1, 'jobs-finished': 0 });
    expect(await getJson<JobIdsBody>(url, '/jobs')).toEqual({ jobs: [{ id: jobId, status: 'RUNNING' }] });
    const list = await getJson<JobsOverviewBody>(url, '/jobs/overview');
    expect(list.jobs).toHaveLength(1);
    expect(list.jobs[0]).toMatchObject({ jid: jobId, name: 'Socket Window IpCount', state: 'RUNNING', 'end-time': -1 });
    expect(list.jobs[0].tasks).toMatchObject({ total: 5, running: 5 });
    expect(await getJson<TaskManagersBody>(url, '/taskmanagers')).toMatchObject({
      now: h.clock.now(),
      taskmanagers: [{ id: 'taskmanager-0', path: 'in process', slotsNumber: 2, freeSlots: 0 }],
    });
  });

  it('describes the job: its three tasks with parallelism, and the plan with REBALANCE and HASH edges', async () => {
    const details = await job();
    expect(details.vertices.map((v) => [v.id, v.name, v.parallelism, v.status])).toEqual([
      ['1', 'Source: Test Source', 1, 'RUNNING'],
      ['2', 'Map -> Map -> Timestamps/Watermarks', 2, 'RUNNING'],
      [
        '3',
        'Window(TumblingEventTimeWindows(5000), EventTimeTrigger, SumAggregator, PassThroughWindowFunction) -> Map -> Sink: Print to Std. Out',
        2,
        'RUNNING',
      ],
    ]);
    const { plan } = await getJson<JobPlanBody>(url, `/jobs/${jobId}/plan`);
    expect(plan).toMatchObject({ jid: jobId, name: 'Socket Window IpCount', type: 'STREAMING' });
    expect(plan.nodes.map((n) => [n.id, n.parallelism, (n.inputs ?? []).map((i) => `${i.id}:${i.ship_strategy}`)])).toEqual([
      ['1', 1, []],
      ['2', 2, ['1:REBALANCE']],
      ['3', 2, ['2:HASH']],
    ]);
    expect(details.plan).toEqual(plan);
  });

  it('answers 404 for checkpoints while the job has no checkpointing', async () => {
    const answer = await request(url, `/jobs/${jobId}/checkpoints`);
    expect(answer.status).toBe(404);
    expect(answer.json<ErrorBody>().errors[0]).toMatch(/checkpointing is not enabled/);
  });

  it('names the input channel that holds a waiting window back: one with no watermark yet', async () => {
    source.emit('18:40:10 192.168.1.2');
    await h.advance(1000);
    const details = await job();
    expect(details.vertices.map((v) => [v.metrics['read-records'], v.metrics['write-records']])).toEqual([
      [0, 1],
      [1, 1],
      [1, 0],
    ]);
    const window = await vertex(3);
    const waiting = window.subtasks.filter((s) => s['window-wait'] !== null);
    expect(waiting).toHaveLength(1); // one key, so one subtask holds its window
    const s = waiting[0];
    const wait = s['window-wait']!;
    expect(wait['next-timer']).toBe(hms(18, 40, 15) - 1);
    expect(wait.watermark).toBe(MIN_WATERMARK);
    expect(wait['pending-timers']).toBe(1);
    expect(wait.kind).toBe('no-watermark');
    // The Task 2 subtask that got the line is at 18:40:09.999; the other has sent nothing.
    const channels = s.watermarks!.channels;
    expect(channels.map((c) => c.watermark).sort((a, b) => a - b)).toEqual([MIN_WATERMARK, hms(18, 40, 10) - 1]);
    const silent = channels.find((c) => c.watermark === MIN_WATERMARK)!;
    expect(wait['held-back-by']).toEqual([silent]);
    expect(silent).toMatchObject({ status: 'ACTIVE', 'producer-vertex': '2', 'producer-name': 'Task 2 (Map -> Map -> Timestamps/Watermarks)' });
    expect(wait.reason).toContain(
      `channel ${silent.channel} (from Task 2 (Map -> Map -> Timestamps/Watermarks) subtask ${silent['producer-subtask']}) has sent no watermark yet`,
    );
    expect(details.vertices[2].metrics['window-held-back']).toBe(true);
  });

  it('then names the channel that is behind, and clears once the window fired', async () => {
    source.emit('18:40:20 192.168.1.2'); // round robin: the other Task 2 subtask
    await h.advance(1000);
    let wait = (await vertex(3)).subtasks.find((s) => s['window-wait'])!['window-wait']!;
    expect(wait.watermark).toBe(hms(18, 40, 10) - 1);
    expect(wait['held-back-by'].map((c) => c.watermark)).toEqual([hms(18, 40, 10) - 1]);
    // The other channel is at 18:40:19.999, past the window's end: without this one it would fire.
    expect(wait.kind).toBe('held-back');
    expect(wait.reason).toContain('is at 1970-01-01T18:40:09.999Z');
    expect(h.stdout).toEqual([]);

    source.emit('18:40:21 192.168.1.2'); // back to the first: both channels pass 18:40:14.999
    await h.advance(1000);
    expect(h.stdout).toEqual(['1> 18:40:10 192.168.1.2 1']);
    const after = await vertex(3);
    const sub = after.subtasks.find((s) => s['window-wait'])!;
    wait = sub['window-wait']!;
    expect(wait['next-timer']).toBe(hms(18, 40, 25) - 1); // the [20, 25) window now waits
    expect(sub.watermarks!.input).toBe(hms(18, 40, 20) - 1);
    expect(sub.operators[0].gauges).toEqual({ numEventTimeTimers: 1, nextEventTimeTimer: hms(18, 40, 25) - 1 });
    const task3 = (await job()).vertices[2].metrics;
    // Watermarks go to every channel: the subtask without data is at the same watermark.
    expect(task3['current-input-watermark']).toBe(hms(18, 40, 20) - 1);
    // Both channels are at 18:40:19.999, before the end of [20, 25): open, not held back.
    expect(wait.kind).toBe('open');
    expect(task3['window-held-back']).toBe(false);
  });

  it('reports records per second over the cluster clock (here over the last second)', async () => {
    await job(); // a sample now
    for (let i = 0; i < 100; i++) source.emit('18:40:22 192.168.1.3');
    await h.advance(1000);
    const details = await job();
    expect(details.vertices[0].metrics['write-records']).toBe(103);
    expect(details.vertices[0].metrics['write-records-per-second']).toBe(100);
    expect(details.vertices[1].metrics['read-records-per-second']).toBe(100);
    const source1 = (await vertex(1)).subtasks[0];
    expect(source1.metrics).toMatchObject({ 'write-records': 103, 'write-records-per-second': 100, 'read-records': 0 });
    expect(source1.backpressure).toMatchObject({ ratio: 0, level: 'ok', 'back-pressured-time-ms': 0 });
  });

  it('exports task and operator metrics in Prometheus text format at /metrics', async () => {
    const answer = await request(url, '/metrics');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const lines = answer.text.split('\n');
    const labels = `job_id="${jobId}",job_name="Socket Window IpCount"`;
    expect(lines).toContain('# TYPE brook_task_numRecordsOut counter');
    expect(lines).toContain(`brook_task_numRecordsOut{${labels},task_id="1",task_name="Source: Test Source",subtask_index="0"} 103`);
    expect(lines).toContain('brook_jobmanager_taskSlotsTotal 2');
    expect(lines).toContain('brook_jobmanager_jobs{status="RUNNING"} 1');
    // Keys .2 and .3 went to different Task 3 subtasks: each has a window waiting.
    expect(lines.filter((l) => l.startsWith('brook_operator_nextEventTimeTimer{'))).toHaveLength(2);
    expect(lines.some((l) => /^brook_task_inputChannelWatermark\{.*task_id="3".*channel="1",status="ACTIVE"\} /.test(l))).toBe(true);
    for (const l of lines) if (l && !l.startsWith('#')) expect(l).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? (-?[0-9.e+-]+|NaN|Nan|[+-]Inf)$/);
    // The Node runtime's own, next to brook's: event-loop lag, heap, GC.
    for (const family of ['nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_gc_duration_seconds', 'process_cpu_seconds_total']) {
      expect(lines.some((l) => l.startsWith(`# TYPE ${family} `))).toBe(true);
    }
    expect(new Set(lines.filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2])).size).toBe(lines.filter((l) => l.startsWith('# TYPE ')).length);
  });

  it('answers unknown paths and bad ids with 404 and a JSON error', async () => {
    for (const path of [
      '/nope',
      '/jobs/not-a-job',
      '/jobs/0123456789abcdef0123456789abcdef',
      `/jobs/${jobId}/vertices/9`,
      `/jobs/${jobId}/vertices/abc`,
      `/jobs/${jobId}/vertices/0`,
      `/jobs/${jobId}/nope`,
    ]) {
      const answer = await request(url, path);
      expect([path, answer.status]).toEqual([path, 404]);
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(answer.json<ErrorBody>().errors).toHaveLength(1);
    }
  });

  it('serves only the dashboard files: no path reaches outside them', async () => {
    for (const path of [
      '/../package.json',
      '/assets/../package.json',
      '/assets/../../package.json',
      '/assets/js/../../../package.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/js/..%2f..%2f..%2fpackage.json',
      '/assets/js/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json',
      '/assets/vendor/..%2f..%2fpackage.json',
      '/assets/vendor/dagre.min.js/../../../../package.json',
      '/..%5c..%5cpackage.json',
      '//etc/passwd',
      '/dashboard/index.html',
      '/lib/rest/RestServer.ts',
      '/node_modules/@dagrejs/dagre/package.json',
      '/assets/js/main.ts',
    ]) {
      const answer = await request(url, path);
      expect([path, answer.status]).toEqual([path, 404]);
      expect(answer.text).not.toContain('"name": "brook"');
      expect(answer.text).not.toContain('root:');
    }
    const page = await request(url, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('<title>brook');
    expect((await request(url, '/assets/vendor/dagre.min.js')).status).toBe(200);
    expect((await request(url, '/assets/js/main.js')).status).toBe(200);
    expect((await request(url, '/assets/style.css')).status).toBe(200);
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const answer = await request(url, '/overview', { host: 'attacker.example:8081' });
    expect(answer.status).toBe(403);
    expect((await request(url, '/overview', { host: `localhost:${new URL(url).port}` })).status).toBe(200);
  });

  it('answers 405 for a method a route does not take', async () => {
    const answer = await request(url, '/jobs', { method: 'DELETE' });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET');
  });

  it('is read-only by default: cancel and savepoint answer 403', async () => {
    expect(await getJson<ConfigBody>(url, '/config')).toMatchObject({ features: { 'web-cancel': false, 'web-savepoint': false } });
    const cancel = await request(url, `/jobs/${jobId}?mode=cancel`, { method: 'PATCH' });
    expect(cancel.status).toBe(403);
    expect(cancel.json<ErrorBody>().errors[0]).toMatch(/disabled/);
    expect((await request(url, `/jobs/${jobId}/savepoints`, { method: 'POST' })).status).toBe(403);
    expect(h.client!.getJobStatus()).toBe('RUNNING');
  });

  it('cancels the job when started with cancel enabled', async () => {
    const writable = new RestServer(new JobManagerGateway(h.cluster.system, h.cluster.jobManager), {
      port: 0,
      enableCancel: true,
      enableSavepoint: true,
    });
    const base = await writable.start();
    try {
      expect(await getJson<ConfigBody>(base, '/config')).toMatchObject({ features: { 'web-cancel': true, 'web-savepoint': true } });
      // This job does not checkpoint: the savepoint operation completes with the reason.
      const trigger = await request(base, `/jobs/${jobId}/savepoints`, { method: 'POST' });
      expect(trigger.status).toBe(202);
      const { 'request-id': op } = trigger.json<TriggerBody>();
      await h.settle();
      expect(await getJson<SavepointStatusBody>(base, `/jobs/${jobId}/savepoints/${op}`)).toEqual({
        status: { id: 'COMPLETED' },
        operation: { 'failure-cause': { class: 'SavepointException', 'stack-trace': expect.stringContaining('does not checkpoint') } },
      });
      expect((await request(base, `/jobs/${jobId}?mode=stop`, { method: 'PATCH' })).status).toBe(400);
      const cancel = await request(base, `/jobs/${jobId}?mode=cancel`, { method: 'PATCH' });
      expect(cancel.status).toBe(202);
      await expect(h.client!.getJobExecutionResult()).rejects.toThrow(/cancelled/);
      const details = await job();
      expect(details.state).toBe('CANCELED');
      expect(details['end-time']).toBeGreaterThanOrEqual(details['start-time']);
      expect(details.vertices.every((v) => v.status === 'CANCELED')).toBe(true);
      expect((await request(base, `/jobs/${jobId}?mode=cancel`, { method: 'PATCH' })).status).toBe(409);
      expect(await getJson<OverviewBody>(url, '/overview')).toMatchObject({ 'jobs-running': 0, 'jobs-cancelled': 1, 'slots-available': 2 });
      // A job that ended keeps its last reported metrics.
      expect((await job()).vertices[0].metrics['write-records']).toBe(103);
    } finally {
      await writable.close();
    }
  });
});
