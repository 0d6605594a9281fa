import { jobWatermark } from '../../lib/rest/jobWatermark';
import { JobPlanBody, VertexSummary } from '../../lib/rest/RestTypes';

const vertex = (id: string, m: Partial<VertexSummary['metrics']>): VertexSummary => ({
  id,
  name: `t${id}`,
  parallelism: 1,
  maxParallelism: 128,
  status: 'RUNNING',
  tasks: { total: 1, created: 0, deploying: 0, running: 1, finished: 0, canceling: 0, canceled: 0, failed: 0 },
  metrics: {
    'read-records': 0,
    'write-records': 0,
    'read-records-per-second': null,
    'write-records-per-second': null,
    'current-input-watermark': Number.MIN_SAFE_INTEGER,
    'current-output-watermark': Number.MIN_SAFE_INTEGER,
    'records-skipped': 0,
    'late-records-dropped': 0,
    'backpressure-ratio': 0,
    'backpressure-level': 'ok',
    'busy-ratio': null,
    'window-held-back': false,
    ...m,
  },
});

describe("the job's watermark", () => {
  it("shows the job's watermark where the timestamps are assigned after the source (IpCount's plan)", () => {
    // Source -> (REBALANCE) -> Map -> Map -> Timestamps/Watermarks -> (HASH) -> Window -> Map -> Print:
    // the assigner's task never receives a watermark, the window's task receives the job's.
    const job = {
      state: 'RUNNING',
      duration: 1_000,
      plan: { nodes: [{ id: 'src' }, { id: 'assign', inputs: [{ id: 'src' }] }, { id: 'window', inputs: [{ id: 'assign' }] }] },
      vertices: [
        vertex('src', { 'write-records': 5 }),
        vertex('assign', { 'current-output-watermark': Date.UTC(1970, 0, 1, 18, 40, 9, 999) }),
        vertex('window', { 'current-input-watermark': Date.UTC(1970, 0, 1, 18, 40, 9, 999) }),
      ],
    } as unknown as { plan: JobPlanBody['plan']; vertices: VertexSummary[] };
    expect(jobWatermark(job.plan, job.vertices)).toBe(Date.UTC(1970, 0, 1, 18, 40, 9, 999));
  });

  it("reads a job without inputs by its sources' output watermark", () => {
    const job = {
      state: 'RUNNING',
      duration: 1_000,
      plan: { nodes: [{ id: 'only' }] },
      vertices: [vertex('only', { 'current-output-watermark': Date.UTC(1970, 0, 1, 0, 0, 1) })],
    } as unknown as { plan: JobPlanBody['plan']; vertices: VertexSummary[] };
    expect(jobWatermark(job.plan, job.vertices)).toBe(Date.UTC(1970, 0, 1, 0, 0, 1));
  });
});
