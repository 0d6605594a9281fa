import { JobClient } from '../../lib/api/JobClient';
import { ToClient } from '../../lib/cluster/net/ClientProtocol';
import { assertNever } from '../../lib/util/assertNever';

/** A job to run from a job file: a client's submission, or one a new leader recovers. */
export interface JobRequest {
  readonly file: string;
  readonly args: readonly string[];
  readonly parallelism: number | undefined;
  readonly savepoint: { readonly path: string; readonly allowNonRestoredState: boolean } | undefined;
  /** The id of a job a new leader recovers from the JobGraphStore. */
  readonly recoveredId: string | undefined;
}

/** Who follows a job: the client's connection, or the JobManager's own output for a recovered job. */
export interface JobFollower {
  send(message: ToClient): void;
  /** The follower went away before the job was submitted: it is not submitted. */
  gone(): boolean;
  submitted(client: JobClient): void;
  close(): void;
}

/** A recovered job has no client any more: what it prints and how it ends go to the JobManager's own output. */
export function recoveredJobFollower(jobId: string, out: { readonly stdout: NodeJS.WritableStream; readonly stderr: NodeJS.WritableStream }): JobFollower {
  return {
    send: (message) => {
      switch (message.type) {
        case 'stdout':
          out.stdout.write(message.text);
          break;
        case 'stderr':
          out.stderr.write(message.text);
          break;
        case 'submitted':
          break;
        case 'finished':
          out.stderr.write(`brook: recovered job ${jobId} finished in ${message.netRuntime} ms (${message.numRestarts} restarts)\n`);
          break;
        case 'failed':
          out.stderr.write(`brook: recovered job ${jobId} ${message.status === 'CANCELED' ? 'cancelled' : 'failed'}: ${message.message}\n`);
          break;
        default:
          assertNever(message, 'message about a recovered job');
      }
    },
    gone: () => false,
    submitted: () => undefined,
    close: () => undefined,
  };
}
