import { JobHarness } from '../harness/JobHarness';

describe('execute with an AbortSignal', () => {
  it('aborting cancels the job and rejects with an AbortError', async () => {
    const h = new JobHarness({ parallelism: 1 });
    try {
      h.env.fromGenerator((i) => i, Infinity, { recordsPerSecond: 100 }).addSink(() => undefined);
      const controller = new AbortController();
      const client = await h.env.executeAsync('endless', { signal: controller.signal });
      await h.advance(100);
      expect(client.getJobStatus()).toBe('RUNNING');
      controller.abort();
      await expect(client.getJobExecutionResult()).rejects.toMatchObject({
        name: 'AbortError',
        message: `job 'endless' was cancelled: This operation was aborted`,
      });
      expect(client.getJobStatus()).toBe('CANCELED');
    } finally {
      await h.close();
    }
  });

  it('execute(name, { signal }) rejects with the AbortError too', async () => {
    const h = new JobHarness({ parallelism: 1 });
    try {
      h.env.fromGenerator((i) => i, Infinity, { recordsPerSecond: 100 }).addSink(() => undefined);
      const controller = new AbortController();
      const result = h.env.execute('endless', { signal: controller.signal });
      await h.advance(100);
      controller.abort(new Error('user pressed stop'));
      await expect(result).rejects.toMatchObject({ name: 'AbortError', message: `job 'endless' was cancelled: user pressed stop` });
    } finally {
      await h.close();
    }
  });

  it('an already aborted signal submits nothing', async () => {
    const h = new JobHarness({ parallelism: 1 });
    try {
      h.env.fromElements(1).addSink(() => undefined);
      await expect(h.env.executeAsync('never', { signal: AbortSignal.abort('not now') })).rejects.toMatchObject({ name: 'AbortError', cause: 'not now' });
      expect((await h.cluster.gateway.requestClusterOverview()).jobs).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('a job that finished before the abort keeps its result', async () => {
    const h = new JobHarness({ parallelism: 1 });
    try {
      h.env.fromElements(1, 2).addSink(() => undefined);
      const controller = new AbortController();
      const client = await h.env.executeAsync('quick', { signal: controller.signal });
      await h.settle();
      const result = await client.getJobExecutionResult();
      controller.abort();
      expect(result.jobName).toBe('quick');
    } finally {
      await h.close();
    }
  });
});
