import { Clock } from '../lib/time/Clock';
import { StreamTask, TaskDescriptor } from '../lib/runtime/StreamTask';
import { TaskWiring } from '../lib/runtime/TaskWiring';
import { TextWriter } from '../lib/runtime/StreamOperator';
import { TaskFailure } from '../lib/runtime/errors';
import { SubtaskWiring } from '../lib/controlplane/SubtaskWiring';
import { JobManagerMessage, SubtaskMessage, SubtaskRef } from './messages';
import { ActorSystem, AnyRef, TypedRef } from './nact';

export interface SubtaskActorDeps {
  readonly system: ActorSystem;
  readonly parent: AnyRef;
  readonly jobManager: TypedRef<JobManagerMessage>;
  readonly clock: Clock;
  readonly stdout: TextWriter;
  readonly stderr: TextWriter;
  /** See OperatorContext.checkFence. */
  readonly checkFence?: (action: string) => Promise<void>;
}

export interface SpawnedSubtask {
  readonly ref: TypedRef<SubtaskMessage>;
  readonly task: StreamTask;
}

/**
 * A subtask as a nact actor: its mailbox is the task's mailbox. Data batches, credit and the
 * task's own wake-ups (timers, polls) all arrive as messages and are handled one at a time.
 * State changes go to the JobManager; an error that escapes the task is caught by nact's
 * supervision and reported as a failure too.
 */
export function spawnSubtaskActor(deps: SubtaskActorDeps, actorName: string, jobId: string, executionId: string, descriptor: TaskDescriptor): SpawnedSubtask {
  const { system, jobManager } = deps;
  const report = (state: StreamTask['executionState'], failure?: TaskFailure): void =>
    system.tell(jobManager, { type: 'subtaskState', jobId, executionId, state, failure, metrics: task.metrics() });
  const task = new StreamTask(descriptor, {
    clock: deps.clock,
    stdout: deps.stdout,
    stderr: deps.stderr,
    post: (message) => system.tell(self, message),
    onStateChange: report,
    checkpointResponder: {
      acknowledgeCheckpoint: (checkpointId, state, stats) =>
        system.tell(jobManager, { type: 'acknowledgeCheckpoint', jobId, executionId, checkpointId, state, stats }),
      declineCheckpoint: (checkpointId, reason, countsAsFailure) =>
        system.tell(jobManager, { type: 'declineCheckpoint', jobId, executionId, checkpointId, reason, countsAsFailure }),
    },
    trackAsync: (work) => system.trackAsync(work),
    checkFence: deps.checkFence,
  });
  const self = system.spawn<SubtaskMessage>(deps.parent, actorName, {
    receive(message) {
      switch (message.type) {
        case 'start':
          task.start(toTaskWiring(system, message.wiring));
          break;
        case 'cancel':
          task.cancel();
          break;
        default:
          task.handle(message);
      }
    },
    onCrash(error) {
      // The actor is gone: release what the task holds (timers, sockets, files), then report.
      task.cancel();
      report('FAILED', new TaskFailure(task.name, descriptor.subtaskIndex, descriptor.vertex.parallelism, error));
    },
  });
  return { ref: self, task };
}

function toTaskWiring(system: ActorSystem, wiring: SubtaskWiring<SubtaskRef>): TaskWiring {
  return {
    inputs: wiring.inputs.map((input) => ({
      index: input.index,
      returnCredit: (credits: number) => system.tell(input.producer, { type: 'credit', outputChannel: input.producerChannel, credits }),
    })),
    outputs: wiring.outputs.map((out) => ({
      streamEdgeId: out.streamEdgeId,
      partitioner: out.partitioner,
      channels: out.channels.map((c) => ({
        index: c.index,
        consumerChannel: c.consumerChannel,
        deliver: (message) => system.tell(c.consumer, message),
      })),
    })),
  };
}
