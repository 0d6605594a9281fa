import { JobManagerMessage } from './messages';
import { TaskManagerReport } from './threads/protocol';

/**
 * A message the TaskManager actor or its subtasks tell the JobManager, as a TaskManager on a
 * thread or in a process reports it: refs become execution ids, a failure's cause becomes data
 * (the JobManager's side rebuilds it with the same name, message and stack).
 */
export function toTaskManagerReport(message: JobManagerMessage): TaskManagerReport {
  switch (message.type) {
    case 'deployed':
      return { type: 'deployed', jobId: message.jobId, executionIds: message.subtasks.map((s) => s.executionId) };
    case 'subtaskState': {
      const f = message.failure;
      // A subtask may fail with anything thrown, not only an Error.
      const cause = f?.cause instanceof Error ? f.cause : new Error(String(f?.cause));
      return {
        type: 'subtaskState',
        jobId: message.jobId,
        executionId: message.executionId,
        state: message.state,
        metrics: message.metrics,
        failure: f && {
          taskName: f.taskName,
          subtaskIndex: f.subtaskIndex,
          parallelism: f.parallelism,
          causeName: cause.name,
          causeMessage: cause.message,
          causeStack: cause.stack,
        },
      };
    }
    case 'released':
      return { type: 'released', jobId: message.jobId };
    default:
      return { type: 'toJobManager', message };
  }
}
