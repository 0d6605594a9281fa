import { EventEmitter } from 'events';
import { Worker } from 'worker_threads';
import { JobVertex } from '../../../lib/graph/JobGraph';
import { DEFAULT_TASK_CONFIG } from '../../../lib/runtime/TaskConfig';
import { SubtaskDeployment } from '../../../lib/controlplane/SubtaskWiring';
import { JobManagerMessage, SubtaskMessage, TaskManagerMessage } from '../../../actors/messages';
import { ActorSystem, TypedRef } from '../../../actors/nact';
import { FromThread, ToThread } from '../../../actors/threads/protocol';
import { ThreadTaskManager } from '../../../actors/threads/ThreadTaskManager';

/** A worker thread as ThreadTaskManager sees it: what it was posted, and events the test emits. */
class ScriptedThread extends EventEmitter {
  readonly posted: ToThread[] = [];
  terminated = false;

  postMessage(message: ToThread): void {
    this.posted.push(message);
  }

  terminate(): Promise<number> {
    this.terminated = true;
    return Promise.resolve(1);
  }

  send(message: FromThread): void {
    this.emit('message', message);
  }
}

const JOB = 'job1';
const vertex = { id: 2, name: 'Window', parallelism: 2 } as JobVertex;

function deployment(subtaskIndex: number, attemptNumber: number): SubtaskDeployment {
  return {
    executionId: `${JOB}:2.${subtaskIndex}:${attemptNumber}`,
    descriptor: { jobName: 'j', jobId: JOB, vertex, subtaskIndex, attemptNumber, config: DEFAULT_TASK_CONFIG },
  };
}

/**
 * The main thread's side of a TaskManager thread, driven message by message: what the
 * JobManager hears when the thread dies in each phase of a job, and when a thread is replaced.
 */
describe('ThreadTaskManager when its thread dies', () => {
  let system: ActorSystem;
  let heard: JobManagerMessage[];
  let threads: ScriptedThread[];
  let tm: ThreadTaskManager;

  const tell = (message: TaskManagerMessage): void => system.tell(tm.ref, message);
  const failures = (): string[] => heard.flatMap((m) => (m.type === 'subtaskState' && m.state === 'FAILED' ? [`${m.executionId}: ${m.failure?.message}`] : []));
  const deployedRefs = (): Map<string, TypedRef<SubtaskMessage>> =>
    new Map(heard.flatMap((m) => (m.type === 'deployed' ? m.subtasks.map((s) => [s.executionId, s.ref] as const) : [])));
  const start = (ref: TypedRef<SubtaskMessage>): void => system.tell(ref, { type: 'start', wiring: { inputs: [], outputs: [] } });

  beforeEach(() => {
    system = new ActorSystem('remote-tm-spec');
    heard = [];
    threads = [];
    const jobManager = system.threadRef<JobManagerMessage>('jobmanager', (m) => void heard.push(m));
    tm = new ThreadTaskManager(0, {
      system,
      jobManager,
      addresses: new Map(),
      stdout: { write: () => undefined },
      stderr: { write: () => undefined },
      onSinkResults: () => undefined,
      startThread: () => {
        const thread = new ScriptedThread();
        threads.push(thread);
        return thread as unknown as Worker;
      },
    });
  });

  afterEach(() => system.shutdown());

  it('fails the running subtasks of a dead thread, naming it, and starts a new thread that registers nothing new', async () => {
    threads[0].send({ type: 'ready', taskManagerId: 0, slots: 2 });
    await tm.ready;
    tell({ type: 'deploy', jobId: JOB, deployments: [deployment(0, 0), deployment(1, 0)] });
    threads[0].send({ type: 'deployed', jobId: JOB, executionIds: [`${JOB}:2.0:0`, `${JOB}:2.1:0`] });
    threads[0].emit('exit', 3);
    expect(failures()).toEqual([
      `${JOB}:2.0:0: task 'Window' (subtask 1/2) failed: TaskManager thread 0 died: the thread exited with code 3`,
      `${JOB}:2.1:0: task 'Window' (subtask 2/2) failed: TaskManager thread 0 died: the thread exited with code 3`,
    ]);
    expect(threads).toHaveLength(2);
    expect(threads[0].terminated).toBe(true);
    // The restart: the release and the new deployment go to the new thread.
    tell({ type: 'release', jobId: JOB });
    tell({ type: 'deploy', jobId: JOB, deployments: [deployment(0, 1)] });
    expect(threads[1].posted.map((m) => m.type)).toEqual(['release', 'deploy']);
    threads[1].send({ type: 'ready', taskManagerId: 0, slots: 2 });
    // Registered once, as on its thread (the REST API's path 'thread 0'); the replacement keeps the number.
    expect(heard.filter((m) => m.type === 'registerTaskManager')).toEqual([expect.objectContaining({ location: { kind: 'thread', threadNumber: 0 } })]);
  });

  it('answers a deployment the dead thread never answered; its subtasks fail when started', async () => {
    threads[0].send({ type: 'ready', taskManagerId: 0, slots: 2 });
    await tm.ready;
    tell({ type: 'deploy', jobId: JOB, deployments: [deployment(0, 0)] });
    threads[0].emit('error', new Error('out of memory'));
    const refs = deployedRefs();
    expect([...refs.keys()]).toEqual([`${JOB}:2.0:0`]);
    // Not reported at once: the job is not running before every subtask is deployed and started.
    expect(failures()).toEqual([]);
    start(refs.get(`${JOB}:2.0:0`)!);
    expect(failures()).toEqual([`${JOB}:2.0:0: task 'Window' (subtask 1/2) failed: TaskManager thread 0 died: out of memory`]);
    expect(threads[1].posted).toEqual([]);
  });

  it('answers a release the dead thread never answered', async () => {
    threads[0].send({ type: 'ready', taskManagerId: 0, slots: 2 });
    await tm.ready;
    tell({ type: 'release', jobId: JOB });
    expect(heard.filter((m) => m.type === 'released')).toEqual([]);
    threads[0].emit('exit', 1);
    expect(heard.filter((m) => m.type === 'released')).toEqual([{ type: 'released', jobId: JOB, taskManagerId: 0 }]);
  });

  it('does not replace a thread that never became ready; what is deployed on it fails when started', async () => {
    threads[0].send({ type: 'fatal', message: 'cannot define the job' });
    await expect(tm.ready).rejects.toThrow('TaskManager thread 0 died: cannot define the job');
    threads[0].emit('exit', 0);
    expect(threads).toHaveLength(1);
    tell({ type: 'deploy', jobId: JOB, deployments: [deployment(1, 0)] });
    start(deployedRefs().get(`${JOB}:2.1:0`)!);
    expect(failures()).toEqual([`${JOB}:2.1:0: task 'Window' (subtask 2/2) failed: TaskManager thread 0 died: cannot define the job`]);
    tell({ type: 'release', jobId: JOB });
    expect(heard.filter((m) => m.type === 'released')).toHaveLength(1);
  });
});
