import createDebug from 'debug';
import { JobExecutionResult, VertexResult } from '../lib/api/JobExecutionResult';
import { JobStatus, isGloballyTerminal } from '../lib/api/JobStatus';
import { buildExecutionGraph, ExecutionGraph, ExecutionVertex } from '../lib/graph/ExecutionGraph';
import { requiredSlots } from '../lib/graph/JobGraph';
import { JobExecutionError, NotEnoughSlotsError, TaskFailure } from '../lib/runtime/errors';
import { ExecutionState, isTerminal } from '../lib/runtime/ExecutionState';
import { OperatorMetricsSnapshot, TaskMetricsSnapshot } from '../lib/runtime/TaskMetrics';
import { Clock } from '../lib/time/Clock';
import { clusterOverview, jobSnapshotReply } from './JobManagerQueries';
import { ActorTreeNode, JobManagerMessage, JobSubmission, SubtaskDeployment, SubtaskMessage, TaskManagerMessage } from './messages';
import { ActorSystem, TypedRef } from './nact';

const log = createDebug('brook:jobmanager');

export interface TaskManagerInfo {
  readonly id: number;
  readonly ref: TypedRef<TaskManagerMessage>;
  readonly slots: number;
  usedSlots: number;
}

export interface ExecutionRecord {
  readonly execution: ExecutionVertex;
  readonly taskManagerId: number;
  ref: TypedRef<SubtaskMessage> | undefined;
  state: ExecutionState;
  metrics: TaskMetricsSnapshot | undefined;
}

export interface JobRun {
  readonly submission: JobSubmission;
  readonly graph: ExecutionGraph;
  readonly executions: Map<string, ExecutionRecord>;
  readonly slotsByTaskManager: Map<number, number>;
  readonly startTime: number;
  status: JobStatus;
  awaitingDeploy: Set<number>;
  awaitingRelease: Set<number>;
  failure: Error | undefined;
  endTime: number | undefined;
}

/**
 * The JobManager: keeps the TaskManagers' slots, turns a submitted JobGraph into an
 * ExecutionGraph, places one subtask of each task per shared slot, deploys them to the
 * TaskManagers, wires their channels and starts them, then follows their states until the job
 * finishes, fails (first failure wins; everything else is cancelled) or is cancelled.
 */
export function spawnJobManager(system: ActorSystem, clock: Clock): TypedRef<JobManagerMessage> {
  const taskManagers = new Map<number, TaskManagerInfo>();
  const jobs = new Map<string, JobRun>();

  const setStatus = (job: JobRun, status: JobStatus): void => {
    job.status = status;
    log('job %s (%s) %s', job.submission.jobGraph.jobName, job.submission.jobId, status);
    job.submission.listener.onStatusChange(status);
  };

  const submit = (submission: JobSubmission): void => {
    const { jobGraph, jobId } = submission;
    const graph = buildExecutionGraph(jobGraph);
    const job: JobRun = {
      submission,
      graph,
      executions: new Map(),
      slotsByTaskManager: new Map(),
      startTime: clock.now(),
      status: 'INITIALIZING',
      awaitingDeploy: new Set(),
      awaitingRelease: new Set(),
      failure: undefined,
      endTime: undefined,
    };
    jobs.set(jobId, job);
    setStatus(job, 'CREATED');
    const needed = requiredSlots(jobGraph);
    const free = [...taskManagers.values()].reduce((n, tm) => n + tm.slots - tm.usedSlots, 0);
    if (needed > free) {
      const total = [...taskManagers.values()].reduce((n, tm) => n + tm.slots, 0);
      const error = new NotEnoughSlotsError(
        needed,
        free,
        `job '${jobGraph.jobName}' needs ${needed} task slots (its highest parallelism, with slot sharing) but only ${free} ` +
          `of ${total} are free (${taskManagers.size} TaskManager(s)). Lower the parallelism, or start more TaskManagers ` +
          'or slots per TaskManager.',
      );
      terminate(job, 'FAILED', error);
      return;
    }
    // Shared slot s holds subtask s of every task (per slot sharing group); slots are spread
    // round robin over TaskManagers so that work lands on every TaskManager.
    const slotOwner: number[] = [];
    const tms = [...taskManagers.values()].sort((a, b) => a.id - b.id);
    let cursor = 0;
    for (let s = 0; s < needed; s++) {
      while (tms[cursor % tms.length].usedSlots >= tms[cursor % tms.length].slots) cursor++;
      const tm = tms[cursor % tms.length];
      tm.usedSlots++;
      job.slotsByTaskManager.set(tm.id, (job.slotsByTaskManager.get(tm.id) ?? 0) + 1);
      slotOwner.push(tm.id);
      cursor++;
    }
    const groupOffset = new Map<string, number>();
    let offset = 0;
    for (const v of jobGraph.vertices) {
      if (!groupOffset.has(v.slotSharingGroup)) {
        groupOffset.set(v.slotSharingGroup, offset);
        offset += Math.max(...jobGraph.vertices.filter((x) => x.slotSharingGroup === v.slotSharingGroup).map((x) => x.parallelism));
      }
    }
    const perTaskManager = new Map<number, SubtaskDeployment[]>();
    for (const execution of graph.executions) {
      const tmId = slotOwner[groupOffset.get(execution.vertex.slotSharingGroup)! + execution.subtaskIndex];
      const executionId = `${jobId}:${execution.id}`;
      job.executions.set(executionId, { execution, taskManagerId: tmId, ref: undefined, state: 'DEPLOYING', metrics: undefined });
      const list = perTaskManager.get(tmId) ?? [];
      list.push({
        executionId,
        descriptor: {
          jobName: jobGraph.jobName,
          vertex: execution.vertex,
          subtaskIndex: execution.subtaskIndex,
          attemptNumber: 0,
          config: submission.config,
        },
      });
      perTaskManager.set(tmId, list);
    }
    job.awaitingDeploy = new Set(perTaskManager.keys());
    for (const [tmId, deployments] of perTaskManager) {
      system.tell(taskManagers.get(tmId)!.ref, { type: 'deploy', jobId, deployments });
    }
  };

  const refOf = (job: JobRun, execution: ExecutionVertex): TypedRef<SubtaskMessage> =>
    job.executions.get(`${job.submission.jobId}:${execution.id}`)!.ref!;

  /** Every subtask is spawned: tell each whom it reads from and writes to, then start all. */
  const startAll = (job: JobRun): void => {
    for (const record of job.executions.values()) {
      const e = record.execution;
      system.tell(record.ref!, {
        type: 'start',
        wiring: {
          inputs: e.inputChannels.map((c) => ({ index: c.index, producer: refOf(job, c.producer), producerChannel: c.producerChannel })),
          outputs: e.outputEdges.map((o) => ({
            streamEdgeId: o.edge.streamEdge.id,
            partitioner: o.edge.streamEdge.partitioner,
            channels: o.channels.map((c) => ({ index: c.index, consumer: refOf(job, c.consumer), consumerChannel: c.consumerChannel })),
          })),
        },
      });
    }
    setStatus(job, 'RUNNING');
  };

  const onSubtaskState = (job: JobRun, executionId: string, state: ExecutionState, failure?: TaskFailure, metrics?: TaskMetricsSnapshot): void => {
    const record = job.executions.get(executionId);
    if (!record) return;
    if (metrics) record.metrics = metrics;
    if (isTerminal(record.state) && state !== 'FAILED') return;
    record.state = state;
    if (state === 'FAILED' && job.status === 'RUNNING') {
      log('subtask %s failed: %s', executionId, failure?.message);
      release(job, 'FAILING', failure ?? new Error(`subtask ${executionId} failed`));
    } else if (state === 'FINISHED' && job.status === 'RUNNING') {
      if ([...job.executions.values()].every((r) => r.state === 'FINISHED')) release(job, 'FINISHED', undefined);
    }
  };

  /** Asks every TaskManager of the job to cancel and stop its subtasks; terminates when all did. */
  const release = (job: JobRun, status: 'FINISHED' | 'FAILING' | 'CANCELLING', failure: Error | undefined): void => {
    job.failure = failure;
    if (status !== 'FINISHED') setStatus(job, status);
    else job.status = 'FINISHED';
    job.awaitingRelease = new Set(job.slotsByTaskManager.keys());
    for (const tmId of job.awaitingRelease) system.tell(taskManagers.get(tmId)!.ref, { type: 'release', jobId: job.submission.jobId });
  };

  const onReleased = (job: JobRun, tmId: number): void => {
    job.awaitingRelease.delete(tmId);
    if (job.awaitingRelease.size > 0) return;
    for (const [id, n] of job.slotsByTaskManager) taskManagers.get(id)!.usedSlots -= n;
    job.slotsByTaskManager.clear();
    const final: JobStatus = job.status === 'FAILING' ? 'FAILED' : job.status === 'CANCELLING' ? 'CANCELED' : 'FINISHED';
    terminate(job, final, job.failure);
  };

  const terminate = (job: JobRun, status: JobStatus, failure: Error | undefined): void => {
    job.endTime = clock.now();
    setStatus(job, status);
    const { listener, jobGraph } = job.submission;
    if (status === 'FINISHED') listener.onTerminated({ result: jobResult(job) });
    else if (status === 'CANCELED') listener.onTerminated({ error: new JobExecutionError(jobGraph.jobName, new Error('the job was cancelled')) });
    else listener.onTerminated({ error: failure instanceof NotEnoughSlotsError ? failure : new JobExecutionError(jobGraph.jobName, failure) });
  };

  const describe = (self: ActorTreeNode, replyTo: TypedRef<ActorTreeNode>): void => {
    Promise.all(
      [...taskManagers.values()].map((tm) =>
        system.ask<TaskManagerMessage, ActorTreeNode>(tm.ref, (r) => ({ type: 'describe', replyTo: r }), 5000),
      ),
    ).then(
      (children) => system.tell(replyTo, { ...self, children }),
      (e: unknown) => log('describe failed: %s', String(e)),
    );
  };

  return system.spawn<JobManagerMessage>(system.root, 'jobmanager', {
    receive(message, ctx) {
      switch (message.type) {
        case 'registerTaskManager':
          taskManagers.set(message.taskManagerId, { id: message.taskManagerId, ref: message.ref, slots: message.slots, usedSlots: 0 });
          log('TaskManager %d registered with %d slots', message.taskManagerId, message.slots);
          break;
        case 'submitJob':
          submit(message.submission);
          break;
        case 'deployed': {
          const job = jobs.get(message.jobId);
          if (!job) break;
          for (const s of message.subtasks) job.executions.get(s.executionId)!.ref = s.ref;
          job.awaitingDeploy.delete(message.taskManagerId);
          if (job.awaitingDeploy.size === 0 && job.status === 'CREATED') startAll(job);
          break;
        }
        case 'subtaskState': {
          const job = jobs.get(message.jobId);
          if (job) onSubtaskState(job, message.executionId, message.state, message.failure, message.metrics);
          break;
        }
        case 'released': {
          const job = jobs.get(message.jobId);
          if (job) onReleased(job, message.taskManagerId);
          break;
        }
        case 'cancelJob': {
          const job = jobs.get(message.jobId);
          if (job && !isGloballyTerminal(job.status) && job.awaitingRelease.size === 0) release(job, 'CANCELLING', undefined);
          break;
        }
        case 'describe':
          describe({ name: ctx.name, path: ctx.path, children: [] }, message.replyTo);
          break;
        case 'requestClusterOverview':
          system.tell(message.replyTo, clusterOverview(clock.now(), taskManagers.values(), jobs.values()));
          break;
        case 'requestJob': {
          const job = jobs.get(message.jobId);
          system.tell(message.replyTo, job && jobSnapshotReply(clock.now(), job, taskManagers));
          break;
        }
      }
    },
  });
}

function jobResult(job: JobRun): JobExecutionResult {
  const { jobGraph, jobId } = job.submission;
  const vertices: VertexResult[] = jobGraph.vertices.map((v) => {
    const records = [...job.executions.values()].filter((r) => r.execution.vertex === v);
    const sum = (f: (m: TaskMetricsSnapshot) => number): number => records.reduce((n, r) => n + (r.metrics ? f(r.metrics) : 0), 0);
    const operators: OperatorMetricsSnapshot[] = v.nodes.map((node, i) => {
      const ops = records.map((r) => r.metrics?.operators[i]).filter((o): o is OperatorMetricsSnapshot => o !== undefined);
      return {
        operatorName: node.name,
        numRecordsIn: ops.reduce((n, o) => n + o.numRecordsIn, 0),
        numRecordsOut: ops.reduce((n, o) => n + o.numRecordsOut, 0),
        numRecordsSkipped: ops.reduce((n, o) => n + o.numRecordsSkipped, 0),
        numLateRecordsDropped: ops.reduce((n, o) => n + o.numLateRecordsDropped, 0),
        currentOutputWatermark: Math.min(...ops.map((o) => o.currentOutputWatermark)),
      };
    });
    return {
      id: v.id,
      name: v.name,
      parallelism: v.parallelism,
      numRecordsIn: sum((m) => m.numRecordsIn),
      numRecordsOut: sum((m) => m.numRecordsOut),
      numRecordsSkipped: operators.reduce((n, o) => n + o.numRecordsSkipped, 0),
      numLateRecordsDropped: operators.reduce((n, o) => n + o.numLateRecordsDropped, 0),
      operators,
    };
  });
  return { jobId, jobName: jobGraph.jobName, netRuntime: (job.endTime ?? job.startTime) - job.startTime, vertices };
}
