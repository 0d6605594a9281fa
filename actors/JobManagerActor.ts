import createDebug from 'debug';
import { isGloballyTerminal, JobStatus } from '../lib/api/JobStatus';
import { ExecutionVertex } from '../lib/graph/ExecutionGraph';
import { ExecutionState } from '../lib/runtime/ExecutionState';
import { TaskMetricsSnapshot } from '../lib/runtime/TaskMetrics';
import { requiredSlots } from '../lib/graph/JobGraph';
import { NotEnoughSlotsError } from '../lib/runtime/errors';
import { Clock } from '../lib/time/Clock';
import { clusterOverview, jobSnapshotReply } from './JobManagerQueries';
import { JobMaster } from './JobMaster';
import type { CheckpointStatsSnapshot as RestCheckpointStats } from './JobManagerQueries';
import { ActorTreeNode, JobManagerMessage, JobSubmission, SnapshotOutcome, SubtaskMessage, TaskManagerMessage } from './messages';
import { ActorSystem, TypedRef } from './nact';

const log = createDebug('brook:jobmanager');

export interface TaskManagerInfo {
  readonly id: number;
  readonly ref: TypedRef<TaskManagerMessage>;
  readonly slots: number;
  usedSlots: number;
}

/** One subtask attempt as the JobManager follows it (read by JobManagerQueries). */
export interface ExecutionRecord {
  /** `jobId:vertexId.subtask:attempt`, as the TaskManager knows the subtask. */
  readonly executionId: string;
  readonly execution: ExecutionVertex;
  readonly taskManagerId: number;
  readonly ref: TypedRef<SubtaskMessage> | undefined;
  readonly state: ExecutionState;
  readonly metrics: TaskMetricsSnapshot | undefined;
}

/** A job as the JobManager's queries (REST API, dashboard, CLI) see it; JobMaster implements it. */
export interface JobRun {
  readonly submission: JobSubmission;
  readonly executions: ReadonlyMap<string, ExecutionRecord>;
  readonly slotsByTaskManager: ReadonlyMap<number, number>;
  readonly startTime: number;
  readonly status: JobStatus;
  readonly failure: Error | undefined;
  readonly endTime: number | undefined;
  /** Checkpoint statistics in the REST API's shape; undefined when the job does not checkpoint. */
  readonly checkpoints: RestCheckpointStats | undefined;
}

/**
 * The JobManager: keeps the TaskManagers' slots, places one subtask of each task per shared
 * slot, and runs each submitted job through its JobMaster (deploy, follow, restart, checkpoint)
 * until it finishes, fails or is cancelled.
 */
export function spawnJobManager(system: ActorSystem, clock: Clock): TypedRef<JobManagerMessage> {
  const taskManagers = new Map<number, TaskManagerInfo>();
  const jobs = new Map<string, JobMaster>();

  const submit = (self: TypedRef<JobManagerMessage>, submission: JobSubmission): void => {
    const { jobGraph, jobId } = submission;
    const placement = new Map<string, number>();
    const slotsByTaskManager = new Map<number, number>();
    const job = new JobMaster(submission, {
      system,
      clock,
      self,
      placement,
      slotsByTaskManager,
      taskManagerRef: (id) => taskManagers.get(id)!.ref,
      onTerminated: () => {
        for (const [id, n] of slotsByTaskManager) taskManagers.get(id)!.usedSlots -= n;
        slotsByTaskManager.clear();
      },
    });
    jobs.set(jobId, job);
    const needed = requiredSlots(jobGraph);
    const free = [...taskManagers.values()].reduce((n, tm) => n + tm.slots - tm.usedSlots, 0);
    if (needed > free) {
      const total = [...taskManagers.values()].reduce((n, tm) => n + tm.slots, 0);
      job.fail(
        new NotEnoughSlotsError(
          needed,
          free,
          `job '${jobGraph.jobName}' needs ${needed} task slots (its highest parallelism, with slot sharing) but only ${free} ` +
            `of ${total} are free (${taskManagers.size} TaskManager(s)). Lower the parallelism, or start more TaskManagers ` +
            'or slots per TaskManager.',
        ),
      );
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
      slotsByTaskManager.set(tm.id, (slotsByTaskManager.get(tm.id) ?? 0) + 1);
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
    for (const execution of job.graph.executions) {
      placement.set(execution.id, slotOwner[groupOffset.get(execution.vertex.slotSharingGroup)! + execution.subtaskIndex]);
    }
    job.start();
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
          submit(ctx.self, message.submission);
          break;
        case 'deployed':
          jobs.get(message.jobId)?.onDeployed(message.taskManagerId, message.subtasks);
          break;
        case 'subtaskState':
          jobs.get(message.jobId)?.onSubtaskState(message.executionId, message.state, message.failure, message.metrics);
          break;
        case 'released':
          jobs.get(message.jobId)?.onReleased(message.taskManagerId);
          break;
        case 'cancelJob':
          jobs.get(message.jobId)?.cancel();
          break;
        case 'acknowledgeCheckpoint':
          jobs.get(message.jobId)?.onAcknowledge(message.executionId, message.checkpointId, message.state, message.stats);
          break;
        case 'declineCheckpoint':
          jobs.get(message.jobId)?.onDecline(message.executionId, message.checkpointId, message.reason, message.countsAsFailure);
          break;
        case 'triggerSnapshot': {
          const job = jobs.get(message.jobId);
          const reply = (outcome: SnapshotOutcome): void => system.tell(message.replyTo, outcome);
          if (!job) reply({ error: `no job ${message.jobId}` });
          else job.triggerSnapshot(message.kind, message.directory, reply);
          break;
        }
        case 'checkpointStats':
          system.tell(message.replyTo, jobs.get(message.jobId)?.checkpointStats());
          break;
        case 'timer': {
          const job = jobs.get(message.jobId);
          if (job && !isGloballyTerminal(job.jobStatus)) message.run();
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
