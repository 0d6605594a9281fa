import createDebug from 'debug';
import { Clock } from '../lib/time/Clock';
import { assertNever } from '../lib/util/assertNever';
import { TextWriter } from '../lib/runtime/StreamOperator';
import { JobManagerMessage, TaskManagerMessage } from './messages';
import { ActorSystem, TypedRef } from './nact';
import { SpawnedSubtask, spawnSubtaskActor } from './SubtaskActor';

const log = createDebug('brook:taskmanager');

export interface TaskManagerDeps {
  readonly system: ActorSystem;
  readonly jobManager: TypedRef<JobManagerMessage>;
  /** The actor it is spawned under: the JobManager when both share an actor system. */
  readonly parent?: TypedRef<never>;
  readonly taskManagerId: number;
  readonly slots: number;
  readonly clock: Clock;
  readonly stdout: TextWriter;
  readonly stderr: TextWriter;
  /** Where a job's subtasks print, when that depends on the job (its client, in a cluster of processes); stdout and stderr otherwise. */
  readonly writersFor?: (jobId: string) => { readonly stdout: TextWriter; readonly stderr: TextWriter };
  /** Rejects once this TaskManager has been fenced out (see OperatorContext.checkFence). */
  readonly checkFence?: (action: string) => Promise<void>;
}

/**
 * A TaskManager: offers its slots to the JobManager, spawns the subtask actors the JobManager
 * deploys into them (as its own children), and stops them when the job is released.
 */
export function spawnTaskManagerActor(deps: TaskManagerDeps): TypedRef<TaskManagerMessage> {
  const { system, jobManager, taskManagerId } = deps;
  const running = new Map<string, Array<SpawnedSubtask & { executionId: string }>>();
  const ref: TypedRef<TaskManagerMessage> = system.spawn<TaskManagerMessage>(deps.parent ?? jobManager, `taskmanager-${taskManagerId}`, {
    receive(message, ctx) {
      switch (message.type) {
        case 'deploy': {
          const writers = deps.writersFor?.(message.jobId) ?? deps;
          const spawned = message.deployments.map((d) => {
            const { vertex, subtaskIndex, attemptNumber } = d.descriptor;
            const name = `${message.jobId.slice(0, 8)}-task-${vertex.id}.${subtaskIndex}-${attemptNumber}`;
            const s = spawnSubtaskActor(
              { system, parent: ctx.self, jobManager, clock: deps.clock, stdout: writers.stdout, stderr: writers.stderr, checkFence: deps.checkFence },
              name,
              message.jobId,
              d.executionId,
              d.descriptor,
            );
            log('tm %d deployed %s (%s)', taskManagerId, vertex.name, name);
            return { ...s, executionId: d.executionId };
          });
          running.set(message.jobId, [...(running.get(message.jobId) ?? []), ...spawned]);
          system.tell(jobManager, {
            type: 'deployed',
            jobId: message.jobId,
            taskManagerId,
            subtasks: spawned.map((s) => ({ executionId: s.executionId, ref: s.ref })),
          });
          break;
        }
        case 'release': {
          // Cancel first (closes sockets, files and timers), then stop: nact would drop the
          // actor's mailbox without running anything.
          const subtasks = running.get(message.jobId) ?? [];
          for (const s of subtasks) {
            s.task.cancel();
            system.stop(s.ref);
          }
          running.delete(message.jobId);
          // Released only once the closed subtasks' async work settled: a sink's write or abort
          // still in flight would otherwise land after the next attempt's recovery cleaned up.
          const settled = Promise.all(subtasks.map((s) => s.task.settled()));
          system.trackAsync(settled);
          void settled.then(() => system.tell(jobManager, { type: 'released', jobId: message.jobId, taskManagerId }));
          break;
        }
        case 'collectMetrics':
          system.tell(message.replyTo, {
            taskManagerId,
            subtasks: (running.get(message.jobId) ?? []).map((s) => ({
              executionId: s.executionId,
              state: s.task.executionState,
              metrics: s.task.metrics(),
            })),
          });
          break;
        case 'describe':
          system.tell(message.replyTo, {
            name: ctx.name,
            path: ctx.path,
            children: ctx.children.map((name) => ({ name, path: `${ctx.path}/${name}`, children: [] })),
          });
          break;
        default:
          assertNever(message, 'TaskManager message');
      }
    },
  });
  system.tell(jobManager, { type: 'registerTaskManager', taskManagerId, slots: deps.slots, location: { kind: 'inProcess' }, ref });
  return ref;
}
