import { randomUUID } from 'crypto';
import { SnapshotOutcome } from '../controlplane/JobSubmission';
import { SavepointStatusBody } from './RestTypes';

/** Operations kept for their status after they completed (the oldest are forgotten first). */
const KEEP = 64;

interface Operation {
  readonly jobId: string;
  status: SavepointStatusBody;
}

/**
 * Flink's asynchronous savepoint operations: a trigger returns an id at once; the status is
 * IN_PROGRESS until the JobManager answers, then COMPLETED with the savepoint's location or the
 * failure's cause.
 */
export class SavepointTriggers {
  private readonly operations = new Map<string, Operation>();

  start(jobId: string, outcome: Promise<SnapshotOutcome>): string {
    const id = randomUUID().replace(/-/g, '');
    const op: Operation = { jobId, status: { status: { id: 'IN_PROGRESS' } } };
    this.operations.set(id, op);
    while (this.operations.size > KEEP) this.operations.delete(this.operations.keys().next().value!);
    const failed = (message: string): SavepointStatusBody => ({
      status: { id: 'COMPLETED' },
      operation: { 'failure-cause': { class: 'SavepointException', 'stack-trace': message } },
    });
    outcome.then(
      (o) => {
        if ('error' in o) op.status = failed(o.error);
        else if (o.path === undefined) op.status = failed(`savepoint ${o.checkpointId} completed without a location`);
        else op.status = { status: { id: 'COMPLETED' }, operation: { location: o.path } };
      },
      (e: Error) => (op.status = failed(e.message)),
    );
    return id;
  }

  /** The operation's status, or undefined when `id` is unknown for this job. */
  status(jobId: string, id: string): SavepointStatusBody | undefined {
    const op = this.operations.get(id);
    return op && op.jobId === jobId ? op.status : undefined;
  }
}
