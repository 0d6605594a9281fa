import createDebug from 'debug';
import { JobClient } from '../api/JobClient';
import { clusterFactory } from '../cluster/ClusterFactory';
import { ClusterGateway, JobCluster } from '../cluster/JobCluster';
import { JobExecutionResult } from '../api/JobExecutionResult';
import { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment';
import { requiredSlots } from '../graph/JobGraph';
import { JobEventReporter, writerReporter } from '../controlplane/JobEventReporter';
import { JobViews } from '../rest/JobViews';
import { DEFAULT_WEB_PORT, RestServer } from '../rest/RestServer';
import { TextWriter } from '../runtime/StreamOperator';
import { Clock, TimerHandle } from '../time/Clock';
import { systemClock } from '../time/SystemClock';
import { standardOutput, StreamTextWriter } from '../connectors/sink/StreamTextWriter';
import { defineFromJobFile, JobFile, runCleanups } from './JobFile';
import { ProgressLine, progressText, TerminalStream } from './ProgressLine';

const log = createDebug('brook:cli');

export interface DashboardOptions {
  /** A port, or undefined for Flink's 8081 (a free port when 8081 is taken). */
  readonly port?: number;
  readonly host?: string;
  readonly enableCancel?: boolean;
  readonly enableSavepoint?: boolean;
  /**
   * Keep serving after the job ended, until this resolves (`brook run --keep-dashboard`: until
   * Ctrl-C), so its final state and exception can be read in the dashboard.
   */
  readonly keepUntil?: Promise<void>;
  /** Called once the job ended while the dashboard is kept (to say how to leave). */
  readonly onKept?: (url: string) => void;
}

export interface RunJobOptions {
  readonly jobName?: string;
  /** The environment's default parallelism (`-p`). */
  readonly parallelism?: number;
  readonly args?: readonly string[];
  /** Serve the REST API and dashboard while the job runs. */
  readonly dashboard?: DashboardOptions;
  /** Where the job's print sinks write (the process's stdout by default). */
  readonly stdout?: TextWriter;
  /** Messages and the progress line (shown only when this is a terminal). */
  readonly stderr?: TerminalStream;
  readonly clock?: Clock;
  /** How often the progress line refreshes (ms). */
  readonly progressIntervalMs?: number;
  /** Settings put on the environment before the job file defines the job (a configuration file, `-s`). */
  readonly configure?: (env: StreamExecutionEnvironment) => void;
  /** Called once the job is defined and the dashboard listens, just before submission. */
  readonly beforeRun?: (info: { readonly env: StreamExecutionEnvironment; readonly jobName: string; readonly dashboardUrl: string | undefined }) => void;
  /** Called with the submitted job's client (to cancel it, or follow it). */
  readonly onSubmitted?: (client: JobClient) => void;
}

/**
 * How the job ended. `outputClosed`: the reader of the job's output went away (`| head -3`) and
 * the job was cancelled for it, as a Unix tool ends on a closed pipe.
 */
export type RunJobOutcome =
  | { readonly status: 'FINISHED'; readonly result: JobExecutionResult }
  | {
      readonly status: 'CANCELED' | 'FAILED';
      readonly error: Error;
      readonly outputClosed: boolean;
      /** The failure was already printed by the job's reporter: the caller prints nothing more. */
      readonly reported: boolean;
    };

async function startDashboard(gateway: ClusterGateway, options: DashboardOptions): Promise<RestServer> {
  const make = (port: number): RestServer =>
    new RestServer(gateway, { host: options.host, port, enableCancel: options.enableCancel, enableSavepoint: options.enableSavepoint });
  const server = make(options.port ?? DEFAULT_WEB_PORT);
  try {
    await server.start();
    return server;
  } catch (e) {
    // Flink's port is only a default: when it is taken, any free port will do.
    if (options.port !== undefined || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    log('port %d is taken; using a free one', DEFAULT_WEB_PORT);
    const fallback = make(0);
    await fallback.start();
    return fallback;
  }
}

/** How long the REST API stays up after the job ended, for a client to read a savepoint's outcome. */
export const SAVEPOINT_LINGER_MS = 5000;

/** How long the REST API stays up after the job ended for an open dashboard page to show it ended. */
export const PAGE_LINGER_MS = 3000;

/**
 * A dashboard page that is open when the job ends would otherwise keep showing it running:
 * when clients have been asking, the REST API stays up until one read the job's final state,
 * or PAGE_LINGER_MS at most.
 */
async function lingerForPages(server: RestServer, jobId: string, clock: Clock): Promise<void> {
  if (!server.hasClients) return;
  let timer: TimerHandle | undefined;
  const timeout = new Promise<void>((resolve) => (timer = clock.setTimeout(resolve, PAGE_LINGER_MS)));
  await Promise.race([server.whenEndSeen(jobId), timeout]);
  if (timer !== undefined) clock.clearTimeout(timer);
}

/**
 * `brook stop` ends the job with a savepoint and then asks where it went: the REST API must
 * answer that question after the job finished, so it stays up until every savepoint's outcome
 * was read, or SAVEPOINT_LINGER_MS at most.
 */
async function lingerForSavepoints(server: RestServer, clock: Clock): Promise<void> {
  let timer: TimerHandle | undefined;
  const timeout = new Promise<void>((resolve) => (timer = clock.setTimeout(resolve, SAVEPOINT_LINGER_MS)));
  await Promise.race([server.whenSavepointsRead(), timeout]);
  if (timer !== undefined) clock.clearTimeout(timer);
}

/**
 * Runs a job file on a local cluster in this process (one TaskManager with just enough slots,
 * as Flink's local environment), optionally with the REST API and dashboard served from its
 * JobManager, and a progress line on a terminal. Resolves when the job ended.
 */
export async function runJobFile(job: JobFile, options: RunJobOptions = {}): Promise<RunJobOutcome> {
  const clock = options.clock ?? systemClock;
  const stderr: TerminalStream = options.stderr ?? process.stderr;
  const progress = new ProgressLine(stderr);
  const target = options.stdout ?? standardOutput();
  const stdout = progress.around(target);
  const errWriter = progress.around({ write: (s) => void stderr.write(s) });
  // Restarts and the failure that ends the job are printed as they happen, above the progress line.
  const lines = writerReporter(errWriter, 'brook: ');
  let failureReported = false;
  const reporter: JobEventReporter = {
    report: (event) => {
      if (event.type === 'failed') failureReported = true;
      lines.report(event);
    },
  };
  const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: options.parallelism, clock, stdout, stderr: errWriter, reporter });
  const jobName = options.jobName ?? job.jobName ?? 'brook job';
  options.configure?.(env);
  const cleanups = await defineFromJobFile(job, env, options.args ?? []);
  let cluster: JobCluster | undefined;
  let server: RestServer | undefined;
  let timer: TimerHandle | undefined;
  let jobId: string | undefined;
  try {
    cluster = clusterFactory().startLocal({
      numberOfTaskManagers: 1,
      slotsPerTaskManager: requiredSlots(env.getJobGraph(jobName)),
      clock,
      stdout,
      stderr: errWriter,
    });
    const { gateway } = cluster;
    if (options.dashboard) server = await startDashboard(gateway, options.dashboard);
    options.beforeRun?.({ env, jobName, dashboardUrl: server?.url });
    const client = env.executeOn(cluster, jobName);
    jobId = client.jobId;
    let outputClosed = false;
    if (target instanceof StreamTextWriter) {
      target.onClose((e) => {
        log('%s: cancelling the job', e.message);
        outputClosed = true;
        void client.cancel().catch(() => undefined);
      });
    }
    options.onSubmitted?.(client);
    if (progress.enabled) {
      const views = new JobViews();
      const tick = (): void => {
        timer = clock.setTimeout(() => {
          gateway
            .requestJob(client.jobId)
            .then((snapshot) => {
              if (snapshot && timer !== undefined) progress.show(progressText(views.jobDetails(snapshot, views.rates(snapshot))));
            })
            .catch((e: Error) => log('progress: %s', e.message))
            .finally(() => timer !== undefined && tick());
        }, options.progressIntervalMs ?? 1000);
      };
      tick();
    }
    try {
      return { status: 'FINISHED', result: await client.getJobExecutionResult() };
    } catch (e) {
      return { status: client.getJobStatus() === 'CANCELED' ? 'CANCELED' : 'FAILED', error: e as Error, outputClosed, reported: failureReported };
    }
  } finally {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    progress.clear();
    if (server) {
      await lingerForSavepoints(server, clock);
      const keepUntil = options.dashboard?.keepUntil;
      if (keepUntil) {
        options.dashboard?.onKept?.(server.url);
        await keepUntil;
      } else if (jobId !== undefined) {
        await lingerForPages(server, jobId, clock);
      }
    }
    await server?.close();
    await cluster?.shutdown();
    await runCleanups(cleanups);
  }
}
