import { randomUUID } from 'crypto';
import { SnapshotOutcome } from '../controlplane/JobSubmission';
import { SavepointStatusBody } from './RestTypes';

/** Operations kept for their status after they completed (the oldest are forgotten first). */
const KEEP = 64;

interface Operation {
  readonly jobId: string;
  status: SavepointStatusBody;
  /** Whether a client has read the completed status (its location or failure). */
  read: boolean;
}

/**
 * Flink's asynchronous savepoint operations: a trigger returns an id at once; the status is
 * IN_PROGRESS until the JobManager answers, then COMPLETED with the savepoint's location or the
 * failure's cause.
 */
export class SavepointTriggers {
  private readonly operations = new Map<string, Operation>();
  private readonly readWaiters: Array<() => void> = [];

  start(jobId: string, outcome: Promise<SnapshotOutcome>): string {
    const id = randomUUID().replace(/-/g, '');
    const op: Operation = { jobId, status: { status: { id: 'IN_PROGRESS' } }, read: false };
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
    if (!op || op.jobId !== jobId) return undefined;
    if (op.status.status.id === 'COMPLETED' && !op.read) {
      op.read = true;
      if (this.allRead()) this.readWaiters.splice(0).forEach((w) => w());
    }
    return op.status;
  }

  /** Whether every operation's outcome has been read by a client. */
  allRead(): boolean {
    for (const op of this.operations.values()) if (!op.read) return false;
    return true;
  }

  /**
   * Resolves once every operation's outcome has been read: a process whose job a `stop` just
   * ended keeps answering until the client that asked has its savepoint's location.
   */
  whenAllRead(): Promise<void> {
    if (this.allRead()) return Promise.resolve();
    return new Promise((resolve) => this.readWaiters.push(resolve));
  }
}
