import path from 'path';
import { FromClient, ToClient } from '../cluster/net/ClientProtocol';
import { connect } from '../cluster/net/FramedConnection';
import { TextWriter } from '../runtime/StreamOperator';
import { TerminalStream } from './ProgressLine';

export interface RemoteRun {
  readonly host: string;
  readonly port: number;
  readonly file: string;
  readonly args: readonly string[];
  readonly parallelism: number | undefined;
  readonly savepoint: { readonly path: string; readonly allowNonRestoredState: boolean } | undefined;
  /** The JobManager is the leader of an HA cluster: a job it accepted outlives its connection. */
  readonly highAvailability?: boolean;
}

/**
 * `brook run --jobmanager host:port`: submits a job file to a JobManager process (the file must
 * be installed at the same path on every host) and follows it: the job's printed output comes
 * back here, then its outcome. Ctrl-C (or SIGTERM) cancels the job. Returns the exit code.
 */
export async function runOnJobManager(
  run: RemoteRun,
  io: { readonly stdout: TextWriter; readonly stderr: TerminalStream },
  signals: NodeJS.EventEmitter,
): Promise<number> {
  const where = `${run.host}:${run.port}`;
  const connection = await connect<ToClient, FromClient>(run.host, run.port);
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    connection.send({ type: 'cancel' });
  };
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
  try {
    return await new Promise<number>((resolve) => {
      let outcome: number | undefined;
      let submitted: string | undefined;
      connection.onMessage((m) => {
        switch (m.type) {
          case 'submitted':
            submitted = m.jobId;
            io.stderr.write(`brook: job '${m.jobName}' (${m.jobId}) submitted to the JobManager at ${where}\n`);
            break;
          case 'stdout':
            io.stdout.write(m.text);
            break;
          case 'stderr':
            io.stderr.write(m.text);
            break;
          case 'finished':
            io.stderr.write(
              `brook: job '${m.jobName}' finished in ${m.netRuntime} ms (${m.skipped} malformed records skipped, ${m.late} late records dropped, ${m.numRestarts} restarts)\n`,
            );
            outcome = 0;
            break;
          case 'failed':
            io.stderr.write(`brook: ${m.status === 'CANCELED' ? 'job cancelled' : m.message}\n`);
            outcome = interrupted ? 130 : 1;
            break;
        }
      });
      connection.onClose((reason) => {
        if (outcome === undefined && run.highAvailability && submitted !== undefined && !interrupted) {
          // The leader changed: the job is in etcd and the next leader runs it from its latest checkpoint.
          io.stderr.write(
            `brook: lost the JobManager at ${where}${reason ? `: ${reason.message}` : ''}; job ${submitted} goes on under the next leader (its outcome is not followed here)\n`,
          );
        } else if (outcome === undefined && reason) io.stderr.write(`brook: lost the JobManager at ${where}: ${reason.message}\n`);
        resolve(outcome ?? 1);
      });
      connection.send({ type: 'submit', file: path.resolve(run.file), args: run.args, parallelism: run.parallelism, savepoint: run.savepoint });
    });
  } finally {
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
  }
}
