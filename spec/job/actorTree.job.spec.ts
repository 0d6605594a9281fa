import { CollectSink } from '../../lib/connectors/sink/CollectSink';
import { JobHarness } from '../harness/JobHarness';
import { TestSource } from '../harness/TestSource';

describe('the actor tree', () => {
  it('is JobManager → TaskManagers → subtasks, with subtasks spread over the TaskManagers', async () => {
    const h = new JobHarness({ parallelism: 2, numberOfTaskManagers: 2, slotsPerTaskManager: 1 });
    const source = new TestSource<string>();
    h.env
      .fromSource(source, undefined, 'Lines')
      .map((l) => l.toUpperCase())
      .setParallelism(2)
      .keyBy((l) => l)
      .map((l) => l)
      .setParallelism(2)
      .sinkTo(new CollectSink<string>());
    await h.start();
    const tree = await h.cluster.describeActorTree();
    expect(tree.name).toBe('jobmanager');
    expect(tree.children.map((c) => c.name)).toEqual(['taskmanager-0', 'taskmanager-1']);
    const jobPrefix = h.client!.jobId.slice(0, 8);
    // Slot 0 on taskmanager-0 holds subtask 0 of every task; slot 1 on taskmanager-1 the rest.
    expect(tree.children[0].children.map((c) => c.name).sort()).toEqual(
      [`${jobPrefix}-task-1.0-0`, `${jobPrefix}-task-2.0-0`, `${jobPrefix}-task-3.0-0`].sort(),
    );
    expect(tree.children[1].children.map((c) => c.name).sort()).toEqual([`${jobPrefix}-task-2.1-0`, `${jobPrefix}-task-3.1-0`].sort());
    expect(tree.children[0].children[0].path).toMatch(/:\/\/jobmanager\/taskmanager-0\//);
    source.end();
    await h.result();
    // Finished jobs release their slots: every subtask actor is stopped.
    const after = await h.cluster.describeActorTree();
    expect(after.children.map((c) => c.children.length)).toEqual([0, 0]);
    await h.close();
  });
});
