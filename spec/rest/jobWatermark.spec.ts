import { jobWatermark } from '../../lib/rest/jobWatermark';
import { JobPlanBody, VertexSummary } from '../../lib/rest/RestTypes';
import { vertexSummary as vertex } from '../harness/vertexSummary';

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
