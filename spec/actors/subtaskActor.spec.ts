import { JobManagerMessage } from '../../actors/messages';
import { ActorSystem } from '../../actors/nact';
import { spawnSubtaskActor } from '../../actors/SubtaskActor';
import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { DEFAULT_TASK_CONFIG } from '../../lib/runtime/TaskConfig';
import { ManualClock } from '../../lib/time/ManualClock';
import { TestSource } from '../harness/TestSource';

/** A subtask actor on its own: what it reports to the JobManager, also when its receive throws. */
describe('the subtask actor', () => {
  let system: ActorSystem;
  beforeEach(() => (system = new ActorSystem(`subtask-spec-${Math.random().toString(36).slice(2)}`)));
  afterEach(() => system.shutdown());

  function spawn() {
    const clock = new ManualClock(0);
    const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 1, clock });
    env.fromSource(new TestSource<number>(), undefined, 'Numbers').addSink(() => undefined);
    const vertex = env.getJobGraph().vertices[0];
    const reports: Array<Extract<JobManagerMessage, { type: 'subtaskState' }>> = [];
    const jobManager = system.spawn<JobManagerMessage>(system.root, 'jobmanager', {
      receive: (m) => void (m.type === 'subtaskState' && reports.push(m)),
    });
    const subtask = spawnSubtaskActor(
      { system, parent: system.root, jobManager, clock, stdout: { write: () => undefined }, stderr: { write: () => undefined } },
      'subtask',
      'job-1',
      'execution-1',
      { jobName: 'spec', vertex, subtaskIndex: 0, attemptNumber: 0, config: DEFAULT_TASK_CONFIG },
    );
    return { ...subtask, reports };
  }

  it('reports RUNNING once started, and CANCELED when cancelled', async () => {
    const { ref, reports } = spawn();
    system.tell(ref, { type: 'start', wiring: { inputs: [], outputs: [] } });
    await system.settle();
    system.tell(ref, { type: 'cancel' });
    await system.settle();
    expect(reports.map((r) => r.state)).toEqual(['RUNNING', 'CANCELED']);
    expect(reports.every((r) => r.jobId === 'job-1' && r.executionId === 'execution-1')).toBe(true);
  });

  it('an error that escapes the task (a second start) is caught by nact supervision: the task is released and FAILED reported', async () => {
    const { ref, task, reports } = spawn();
    system.tell(ref, { type: 'start', wiring: { inputs: [], outputs: [] } });
    await system.settle();
    system.tell(ref, { type: 'start', wiring: { inputs: [], outputs: [] } });
    await system.settle();
    const last = reports.at(-1)!;
    expect(last.state).toBe('FAILED');
    expect(last.failure?.message).toMatch(/Numbers.*started twice/);
    // Released before the report: its timers and reader are gone.
    expect(task.executionState).toBe('CANCELED');
    expect(system.isAlive(ref)).toBe(false);
  });
});
