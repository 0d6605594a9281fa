import { VertexSummary } from '../../lib/rest/RestTypes';

/** A task's summary as the REST API gives it, with the metrics a test sets over quiet defaults. */
export const vertexSummary = (id: string, m: Partial<VertexSummary['metrics']>): VertexSummary => ({
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
