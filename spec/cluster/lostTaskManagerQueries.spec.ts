import { JobManagerGateway } from '../../actors/JobManagerGateway';
import { ActorTreeNode, JobManagerMessage, JobSnapshotReply, SubtaskMetricsReport } from '../../actors/messages';
import { ActorSystem } from '../../actors/nact';
import { TaskManagerProxy } from '../../actors/TaskManagerProxy';
import { TaskManagerCommand, ThreadDeployment } from '../../actors/threads/protocol';
import { JobSnapshot, jobSnapshot } from '../../lib/controlplane/ClusterQueries';
import { JobSettings } from '../../lib/controlplane/JobSubmission';
import { CHECKPOINT_DEFAULTS } from '../../lib/runtime/checkpoint/CheckpointConfigData';
import { sourceOnlyJobGraph } from '../harness/CoordinatorHarness';
import { JobMasterHarness } from '../harness/JobMasterHarness';

/**
 * A TaskManager proxy on a scripted transport (commands are recorded, nothing answers unless the
 * script says so): queries to a TaskManager that is lost, or is lost while they wait, are answered
 * by the proxy, so a REST call never waits for the query timeout on a TaskManager that is gone.
 */
class ScriptedTaskManager extends TaskManagerProxy {
  protected readonly runsOn = 'script';
  readonly commands: TaskManagerCommand[] = [];

  protected sendDeploy(_jobId: string, _deployments: readonly ThreadDeployment[]): void {}

  protected sendCommand(command: TaskManagerCommand): void {
    this.commands.push(command);
  }

  lose(cause: Error): void {
    this.dead = cause;
    this.failEverything(cause);
  }
}

/** Turns of the event loop, enough for replies told in this process; never a timer. */
async function turns(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Whether the promise settled within a few turns of the event loop. */
async function settledSoon<T>(promise: Promise<T>): Promise<{ value: T } | undefined> {
  let result: { value: T } | undefined;
  void promise.then((value) => (result = { value }));
  await turns();
  return result;
}

const settings: JobSettings = {
  checkpointing: { intervalMs: 1000, storage: { type: 'memory' }, defaultSavepointDirectory: undefined, ...CHECKPOINT_DEFAULTS },
  restartStrategy: { type: 'fixed-delay', attempts: 3, delayMs: 500 },
};

describe('queries to a lost TaskManager (scripted transport)', () => {
  let system: ActorSystem;
  let tm: ScriptedTaskManager;

  beforeEach(() => {
    system = new ActorSystem('lost-taskmanager-queries');
    const jobManager = system.threadRef<JobManagerMessage>('jobmanager', () => undefined);
    tm = new ScriptedTaskManager(3, { system, jobManager, addresses: new Map() });
  });

  afterEach(() => system.shutdown());

  const collect = (): SubtaskMetricsReport[] => {
    const replies: SubtaskMetricsReport[] = [];
    system.tell(tm.ref, { type: 'collectMetrics', jobId: 'job', replyTo: system.threadRef<SubtaskMetricsReport>('reply', (r) => replies.push(r)) });
    return replies;
  };

  it('answers metrics asked of a lost TaskManager at once, with no subtasks, and sends it nothing', () => {
    tm.lose(new Error('its connection was closed'));
    expect(collect()).toEqual([{ taskManagerId: 3, subtasks: [] }]);
    expect(tm.commands).toEqual([]);
  });

  it('answers metrics it was asked before the loss when the TaskManager is lost', () => {
    const replies = collect();
    expect(tm.commands).toEqual([{ type: 'collectMetrics', jobId: 'job', requestId: 1 }]);
    expect(replies).toEqual([]);
    tm.lose(new Error('its connection was closed'));
    expect(replies).toEqual([{ taskManagerId: 3, subtasks: [] }]);
  });

  it('answers the actor tree of a lost TaskManager, before and after the loss', () => {
    const trees: ActorTreeNode[] = [];
    const replyTo = system.threadRef<ActorTreeNode>('reply', (r) => trees.push(r));
    system.tell(tm.ref, { type: 'describe', replyTo });
    tm.lose(new Error('its connection was closed'));
    system.tell(tm.ref, { type: 'describe', replyTo });
    const lost = { name: 'taskmanager-3 (lost)', path: 'taskmanager-3', children: [] };
    expect(trees).toEqual([lost, lost]);
  });

  it('lets GET /jobs/:id answer when a TaskManager it asks for metrics is lost meanwhile', async () => {
    const h = new JobMasterHarness(sourceOnlyJobGraph(2), settings, 2);
    await h.settle();
    await h.deployAll();
    await h.report('RUNNING');
    const snapshot: JobSnapshot = jobSnapshot(0, h.job);
    // A JobManager that still counts the TaskManager as live (its loss is not known yet).
    const jobManager = system.threadRef<JobManagerMessage>('jobmanager', (m) => {
      if (m.type === 'requestJob') system.tell<JobSnapshotReply | undefined>(m.replyTo, { snapshot, liveTaskManagers: [{ id: 3, ref: tm.ref }] });
    });
    // A query timeout no test could wait for: only an answer from the proxy ends the call.
    const gateway = new JobManagerGateway(system, jobManager, 3_600_000);
    const pending = gateway.requestJob(snapshot.overview.jobId);
    expect(await settledSoon(pending)).toBeUndefined();
    tm.lose(new Error('its connection was closed'));
    expect(await settledSoon(pending)).toEqual({ value: snapshot });
  });
});
