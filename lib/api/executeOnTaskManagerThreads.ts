import { clusterFactory } from '../cluster/ClusterFactory';
import { requiredSlots } from '../graph/JobGraph';
import { jobGraphFingerprint } from '../graph/jobGraphFingerprint';
import { TextWriter } from '../runtime/StreamOperator';
import { JobClient } from './JobClient';
import { JobExecutionResult } from './JobExecutionResult';
import { DefineJob, loadJobDefinition } from './JobModule';
import { LocalEnvironmentOptions, StreamExecutionEnvironment } from './StreamExecutionEnvironment';

export interface TaskManagerThreadsOptions extends Pick<
  LocalEnvironmentOptions,
  'parallelism' | 'maxParallelism' | 'seed' | 'batchSize' | 'creditsPerChannel'
> {
  /** TaskManagers, each on its own worker thread (default 2). */
  readonly numberOfTaskManagers?: number;
  /** Slots per TaskManager (default: just enough for the job). */
  readonly slotsPerTaskManager?: number;
  readonly jobName?: string;
  /** Where print() of every TaskManager thread goes (default: this process's stdout/stderr). */
  readonly stdout?: TextWriter;
  readonly stderr?: TextWriter;
}

export interface TaskManagerThreadsRunOptions extends TaskManagerThreadsOptions {
  /**
   * Aborting it cancels the job (as Ctrl-C would): the promise then rejects once the job is
   * CANCELED and the threads are stopped; aborted before the start, nothing starts.
   */
  readonly signal?: AbortSignal;
}

/** A job submitted to TaskManager threads: its client, and what `define` returned on this thread. */
export interface TaskManagerThreadsJob<R> {
  /**
   * Follows and cancels the job as env.executeAsync's client does. The threads stop when the
   * job ends, however it ends: getJobExecutionResult and cancel settle only once they have.
   */
  readonly client: JobClient;
  readonly defined: R;
}

/**
 * Runs a job on TaskManagers that are worker threads, one nact actor system each, so that the
 * job uses several cores; the JobManager stays on this thread. The job is `define`, a function
 * that `module` exports (under its own name unless `exportName` says otherwise): this thread
 * calls it, every TaskManager thread loads the module and calls it too, with the same `params`,
 * and all must build the same JobGraph. Resolves with the job's result and what `define`
 * returned on this thread (collect sinks there receive the records of every TaskManager);
 * rejects when the job fails, or is cancelled through `signal`.
 *
 *   const { result, defined } = await executeOnTaskManagerThreads(defineJob,
 *     { module: require.resolve('./IpCountJob'), params: { args: ['--file', file] } }, { numberOfTaskManagers: 2 });
 */
export async function executeOnTaskManagerThreads<P, R>(
  define: DefineJob<P, R>,
  jobModule: { readonly module: string; readonly params: P; readonly exportName?: string },
  options: TaskManagerThreadsRunOptions = {},
): Promise<{ readonly result: JobExecutionResult; readonly defined: R }> {
  const { signal } = options;
  signal?.throwIfAborted();
  const { client, defined } = await executeOnTaskManagerThreadsAsync(define, jobModule, options);
  const cancel = (): void => void client.cancel().catch(() => undefined);
  signal?.addEventListener('abort', cancel, { once: true });
  // Aborted while the threads were starting: cancelled as soon as it is submitted.
  if (signal?.aborted) cancel();
  try {
    return { result: await client.getJobExecutionResult(), defined };
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}

/**
 * executeOnTaskManagerThreads, resolving once the job is submitted, with its JobClient (as
 * env.executeAsync): for callers that cancel the job, take savepoints or follow its status.
 */
export async function executeOnTaskManagerThreadsAsync<P, R>(
  define: DefineJob<P, R>,
  jobModule: { readonly module: string; readonly params: P; readonly exportName?: string },
  options: TaskManagerThreadsOptions = {},
): Promise<TaskManagerThreadsJob<R>> {
  const job = { module: jobModule.module, exportName: jobModule.exportName ?? define.name, params: jobModule.params };
  // Fail here, not on every thread, when the module does not export it.
  loadJobDefinition(job);
  const environment = {
    parallelism: options.parallelism,
    maxParallelism: options.maxParallelism,
    seed: options.seed,
    batchSize: options.batchSize,
    creditsPerChannel: options.creditsPerChannel,
  };
  const env = StreamExecutionEnvironment.createLocalEnvironment({ ...environment, stdout: options.stdout, stderr: options.stderr });
  const defined = define(env, job.params);
  const jobName = options.jobName ?? 'Flink Streaming Job';
  const jobGraph = env.getJobGraph(jobName);
  const numberOfTaskManagers = options.numberOfTaskManagers ?? 2;
  const { stdout, stderr } = env.writers();
  const cluster = await clusterFactory().startOnThreads({
    numberOfTaskManagers,
    slotsPerTaskManager: options.slotsPerTaskManager ?? Math.ceil(requiredSlots(jobGraph) / numberOfTaskManagers),
    job: { module: job.module, exportName: job.exportName, params: job.params, jobName, environment, fingerprint: jobGraphFingerprint(jobGraph) },
    jobGraph,
    stdout,
    stderr,
  });
  let submitted: JobClient;
  try {
    // Checkpointing, the restart strategy and the savepoint to start from are the main thread's:
    // the JobManager and its checkpoint coordinator run here.
    submitted = cluster.submitJob(jobGraph, env.getTaskConfig(), env.jobSettings());
  } catch (e) {
    await cluster.shutdown();
    throw e;
  }
  const outcome = submitted.getJobExecutionResult();
  const stopped = outcome.then(
    () => cluster.shutdown(),
    () => cluster.shutdown(),
  );
  stopped.catch(() => undefined); // reported by getJobExecutionResult and cancel
  const client: JobClient = {
    jobId: submitted.jobId,
    getJobStatus: () => submitted.getJobStatus(),
    async cancel(): Promise<void> {
      await submitted.cancel();
      await stopped;
    },
    async getJobExecutionResult(): Promise<JobExecutionResult> {
      try {
        return await outcome;
      } finally {
        await stopped;
      }
    },
    triggerSavepoint: (directory) => submitted.triggerSavepoint(directory),
    stopWithSavepoint: (directory) => submitted.stopWithSavepoint(directory),
    triggerCheckpoint: () => submitted.triggerCheckpoint(),
    getCheckpointStats: () => submitted.getCheckpointStats(),
  };
  return { client, defined };
}
