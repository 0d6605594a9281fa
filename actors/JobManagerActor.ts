import createDebug from 'debug';
import { clusterOverview, jobSnapshot, liveTaskManagerIds } from '../lib/controlplane/ClusterQueries';
import { JobMaster } from '../lib/controlplane/JobMaster';
import { JobSubmission, SnapshotOutcome } from '../lib/controlplane/JobSubmission';
import { SlotAssignment, SlotPool } from '../lib/controlplane/SlotPool';
import { TaskManagerLocation } from '../lib/controlplane/TaskManagerLocation';
import { Clock } from '../lib/time/Clock';
import { ActorTreeNode, JobManagerMessage, SubtaskRef, TaskManagerMessage } from './messages';
import { ActorSystem, TypedRef } from './nact';
import { assertNever } from '../lib/util/assertNever';

const log = createDebug('brook:jobmanager');

/**
 * The JobManager actor: keeps the TaskManagers' slots (a SlotPool) and runs each submitted job
 * through its JobMaster (deploy, follow, restart, checkpoint) until it finishes, fails or is
 * cancelled. Every message to a job is handled in this actor's mailbox, one at a time.
 */
export interface JobManagerOptions {
  /** How long a restarting job waits for a TaskManager to offer slots (Flink's slot.request.timeout, 5 minutes). */
  readonly slotRequestTimeoutMs?: number;
}

export const DEFAULT_SLOT_REQUEST_TIMEOUT_MS = 300_000;

export function spawnJobManagerActor(system: ActorSystem, clock: Clock, options: JobManagerOptions = {}): TypedRef<JobManagerMessage> {
  const taskManagers = new Map<number, TypedRef<TaskManagerMessage>>();
  const slotPool = new SlotPool();
  // Kept after a TaskManager is lost: its subtasks' past still names where they ran.
  const presence = new Map<number, { location: TaskManagerLocation; lastHeartbeat: number | undefined }>();
  const jobs = new Map<string, JobMaster<SubtaskRef>>();

  const submit = (self: TypedRef<JobManagerMessage>, submission: JobSubmission): void => {
    const { jobId } = submission;
    let held: SlotAssignment | undefined;
    const releaseSlots = (): void => {
      if (held) slotPool.release(held);
      held = undefined;
    };
    const job: JobMaster<SubtaskRef> = new JobMaster<SubtaskRef>(submission, {
      clock,
      slotRequestTimeoutMs: options.slotRequestTimeoutMs ?? DEFAULT_SLOT_REQUEST_TIMEOUT_MS,
      reallocateSlots: () => {
        releaseSlots();
        const slots = slotPool.allocate(submission.jobGraph, job.graph.executions);
        if (!(slots instanceof Error)) held = slots;
        return slots;
      },
      deploy: (tmId, id, deployments) => system.tell(taskManagers.get(tmId)!, { type: 'deploy', jobId: id, deployments }),
      release: (tmId, id) => system.tell(taskManagers.get(tmId)!, { type: 'release', jobId: id }),
      startSubtask: (ref, wiring) => system.tell(ref, { type: 'start', wiring }),
      tellSubtask: (ref, message) => system.tell(ref, message),
      post: (run) => system.tell(self, { type: 'run', run }),
      trackAsync: (work) => system.trackAsync(work),
      onTerminated: releaseSlots,
    });
    jobs.set(jobId, job);
    const slots = slotPool.allocate(submission.jobGraph, job.graph.executions);
    if (slots instanceof Error) {
      job.fail(slots);
      return;
    }
    held = slots;
    job.start(slots);
  };

  const describe = (self: ActorTreeNode, replyTo: TypedRef<ActorTreeNode>): void => {
    Promise.all(
      [...taskManagers.values()].map((ref) => system.ask<TaskManagerMessage, ActorTreeNode>(ref, (r) => ({ type: 'describe', replyTo: r }), 5000)),
    ).then(
      (children) => system.tell(replyTo, { ...self, children }),
      (e: unknown) => log('describe failed: %s', String(e)),
    );
  };

  return system.spawn<JobManagerMessage>(system.root, 'jobmanager', {
    receive(message, ctx) {
      switch (message.type) {
        case 'registerTaskManager':
          taskManagers.set(message.taskManagerId, message.ref);
          presence.set(message.taskManagerId, {
            location: message.location,
            lastHeartbeat: message.location.kind === 'process' ? clock.now() : undefined,
          });
          slotPool.registerTaskManager(message.taskManagerId, message.slots);
          log('TaskManager %d registered with %d slots', message.taskManagerId, message.slots);
          for (const job of jobs.values()) job.onSlotsAvailable();
          break;
        case 'taskManagerHeartbeat': {
          const known = presence.get(message.taskManagerId);
          if (known) known.lastHeartbeat = clock.now();
          break;
        }
        case 'taskManagerLost':
          // Its ref stays: it answers for the lost TaskManager (its subtasks fail, releases are done).
          slotPool.removeTaskManager(message.taskManagerId);
          log('TaskManager %d lost', message.taskManagerId);
          for (const job of jobs.values()) job.onTaskManagerLost(message.taskManagerId);
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
          system.tell(message.replyTo, jobs.get(message.jobId)?.checkpoints);
          break;
        case 'run':
          message.run();
          break;
        case 'describe':
          describe({ name: ctx.name, path: ctx.path, children: [] }, message.replyTo);
          break;
        case 'requestClusterOverview':
          system.tell(
            message.replyTo,
            clusterOverview(clock.now(), slotPool.overview(), (id) => presence.get(id), jobs.values()),
          );
          break;
        case 'requestJob': {
          const job = jobs.get(message.jobId);
          const reply = job && {
            snapshot: jobSnapshot(clock.now(), job, (id) => presence.get(id)?.location),
            liveTaskManagers: liveTaskManagerIds(job).map((id) => ({ id, ref: taskManagers.get(id)! })),
          };
          system.tell(message.replyTo, reply);
          break;
        }
        default:
          assertNever(message, 'JobManager message');
      }
    },
  });
}
