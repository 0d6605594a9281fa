import { MiniCluster } from '../../actors/MiniCluster';
import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { CollectSink } from '../../lib/connectors/sink/CollectSink';
import { JobExecutionError, NotEnoughSlotsError } from '../../lib/runtime/errors';
import { ManualClock } from '../../lib/time/ManualClock';
import { JobHarness, runBoundedJob } from '../harness/JobHarness';
import { TestSource } from '../harness/TestSource';

const quiet = { write: (): void => undefined };

describe('job failures', () => {
  it('fails at once, with a clear error, when the cluster has too few slots', async () => {
    const cluster = new MiniCluster({ numberOfTaskManagers: 1, slotsPerTaskManager: 2, clock: new ManualClock(), stdout: quiet, stderr: quiet });
    const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 4, cluster });
    env
      .fromElements(1, 2, 3)
      .map((x) => x)
      .print();
    const client = await env.executeAsync('needs four');
    await cluster.settle();
    await expect(client.getJobExecutionResult()).rejects.toThrow(NotEnoughSlotsError);
    await expect(client.getJobExecutionResult()).rejects.toThrow(
      "job 'needs four' needs 4 task slots (its highest parallelism, with slot sharing) but only 2 of 2 are free (1 TaskManager(s))",
    );
    expect(client.getJobStatus()).toBe('FAILED');
    await cluster.shutdown();
  });

  it('fails the job naming the operator and the record when a user function throws', async () => {
    const run = runBoundedJob(
      (env) => {
        env
          .fromElements({ id: 1 }, { id: 2 }, { id: 3 })
          .map((r) => r)
          .name('Parse')
          .map((r) => {
            if (r.id === 2) throw new Error('cannot handle 2');
            return r;
          })
          .name('Check')
          .print();
      },
      { parallelism: 1 },
    );
    await expect(run).rejects.toThrow(JobExecutionError);
    await expect(run).rejects.toThrow(
      /job 'test job' failed: task 'Source: Collection Source -> Parse -> Check -> Sink: Print to Std. Out' \(subtask 1\/1\) failed: operator 'Check' failed on record \{"id":2\}: cannot handle 2/,
    );
  });

  it('cancels every other subtask when one fails, and stops all their actors', async () => {
    const h = new JobHarness({ parallelism: 2 });
    const source = new TestSource<number>(2);
    const sink = new CollectSink<number>();
    h.env
      .fromSource(source, undefined, 'Numbers')
      .setParallelism(2)
      .map((x) => {
        if (x < 0) throw new Error('negative');
        return x;
      })
      .sinkTo(sink);
    const client = await h.start();
    source.emitTo(0, 1, 2).emitTo(1, 3);
    await h.advance(200);
    expect([...sink.values].sort()).toEqual([1, 2, 3]);
    source.emitTo(1, -1);
    await expect(h.result()).rejects.toThrow(/operator 'Map' failed on record -1: negative/);
    expect(client.getJobStatus()).toBe('FAILED');
    const tree = await h.cluster.describeActorTree();
    expect(tree.children.map((tm) => tm.children.length)).toEqual([0]);
    await h.close();
  });

  it('reports a refused socket connection with the address', async () => {
    const run = runBoundedJob((env) => void env.socketTextStream('127.0.0.1', 1).print(), { parallelism: 1 });
    await expect(run).rejects.toThrow(/socket source could not connect to 127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  });
});

describe('cancellation and status', () => {
  it('cancels a running job through its JobClient', async () => {
    const h = new JobHarness({ parallelism: 2 });
    const source = new TestSource<number>();
    h.env
      .fromSource(source, undefined, 'Numbers')
      .map((x) => x * 2)
      .print();
    const client = await h.start();
    expect(client.getJobStatus()).toBe('RUNNING');
    source.emit(1, 2, 3);
    await h.advance(200);
    expect(h.stdout.map((l) => l.slice(3)).sort()).toEqual(['2', '4', '6']);
    expect(new Set(h.stdout.map((l) => l.slice(0, 3)))).toEqual(new Set(['1> ', '2> ']));
    const cancelled = client.cancel();
    await h.settle();
    await cancelled;
    expect(client.getJobStatus()).toBe('CANCELED');
    await expect(client.getJobExecutionResult()).rejects.toThrow(/cancelled/);
    await h.close();
  });
});
