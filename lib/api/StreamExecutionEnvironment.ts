import os from 'os';
import { clusterFactory } from '../cluster/ClusterFactory';
import { JobCluster } from '../cluster/JobCluster';
import { AsyncIterableFactory, AsyncIterableSource, AsyncIterableSourceOptions } from '../connectors/source/AsyncIterableSource';
import { CollectionSource } from '../connectors/source/CollectionSource';
import { DataGeneratorOptions, DataGeneratorSource } from '../connectors/source/DataGeneratorSource';
import { SocketTextSource } from '../connectors/source/SocketTextSource';
import { Source } from '../connectors/source/Source';
import { TextFileSource } from '../connectors/source/TextFileSource';
import { executionPlan, ExecutionPlan } from '../graph/ExecutionPlan';
import { explainJobGraph } from '../graph/explainJobGraph';
import { createJobGraph, JobGraph, requiredSlots } from '../graph/JobGraph';
import { StreamGraph } from '../graph/StreamGraph';
import { generateStreamGraph } from '../graph/StreamGraphGenerator';
import { defaultSettings, SourceTransformation, Transformation } from '../graph/Transformation';
import { checkParallelism as checkMaxParallelism } from '../partitioners/keyGroups';
import { TextWriter } from '../runtime/StreamOperator';
import { standardError, standardOutput } from '../connectors/sink/StreamTextWriter';
import { DEFAULT_TASK_CONFIG, TaskConfig } from '../runtime/TaskConfig';
import { JobEventReporter, writerReporter } from '../controlplane/JobEventReporter';
import { JobSettings } from '../controlplane/JobSubmission';
import { Clock } from '../time/Clock';
import { systemClock } from '../time/SystemClock';
import { WatermarkStrategy } from '../time/WatermarkStrategy';
import { CheckpointingMode } from '../runtime/checkpoint/CheckpointBarrier';
import { RestartStrategyConfig } from '../runtime/restart/RestartStrategy';
import { CheckpointConfig } from './CheckpointConfig';
import { DataStreamSource } from './DataStream';
// Loaded for DataStream, which constructs them through registerDerivedStream: every stream comes
// from an environment, so they are loaded before any stream exists.
import './BroadcastStream';
import './CoGroupedStreams';
import './ConnectedStreams';
import './JoinedStreams';
import './KeyedStream';
import { checkParallelism } from './ConfigurableOperator';
import { ExecutionConfig } from './ExecutionConfig';
import { AbortError } from './AbortError';
import { abortableJobClient } from './abortableJobClient';
import { JobClient } from './JobClient';
import { JobExecutionResult } from './JobExecutionResult';

export interface LocalEnvironmentOptions {
  /** Default parallelism of operators (default: the number of CPU cores). */
  readonly parallelism?: number;
  readonly maxParallelism?: number;
  /** TaskManagers of the local cluster (default 1). */
  readonly numberOfTaskManagers?: number;
  /** Slots per TaskManager (default: just enough for the job, as Flink's local environment). */
  readonly slotsPerTaskManager?: number;
  /** Where time comes from: the system clock, or a ManualClock in tests. */
  readonly clock?: Clock;
  /** Seeds every random choice (rebalance start, shuffle), so runs can be reproduced. */
  readonly seed?: number;
  readonly stdout?: TextWriter;
  readonly stderr?: TextWriter;
  /**
   * Where each restart (its cause and attempt number), the failure that ends a job and each
   * distinct reason a checkpoint was declined are reported. Default: one line each on `stderr`.
   */
  readonly reporter?: JobEventReporter;
  /** Run on this cluster instead of starting one per execution (tests keep it to settle it). */
  readonly cluster?: JobCluster;
  /** Records per network batch. */
  readonly batchSize?: number;
  /** Network batches in flight per channel before the producer waits (credit). */
  readonly creditsPerChannel?: number;
}

export interface ExecuteOptions {
  /**
   * Aborting it cancels the job; the result then rejects with an AbortError (its `name` is
   * 'AbortError'). Aborted before the call, the job is not submitted.
   */
  readonly signal?: AbortSignal;
}

/**
 * Where a streaming job is defined and run (Flink's StreamExecutionEnvironment). Defining is
 * cheap and synchronous; `execute` builds the StreamGraph, the JobGraph (chained tasks) and
 * runs the job on a local cluster of actors: a JobManager, TaskManagers and one actor per
 * subtask.
 */
export class StreamExecutionEnvironment {
  private readonly transformations: Transformation[] = [];
  private readonly config = new ExecutionConfig();
  private readonly checkpointConfig = new CheckpointConfig();
  private restartStrategy: RestartStrategyConfig | undefined;
  private savepointRestore: { path: string; allowNonRestoredState: boolean } | undefined;
  private parallelism: number;
  private maxParallelism: number | undefined;
  private bufferTimeoutMs = DEFAULT_TASK_CONFIG.bufferTimeoutMs;
  private chainingEnabled = true;
  private idCounter = 0;

  private constructor(private readonly options: LocalEnvironmentOptions) {
    this.parallelism = options.parallelism ?? os.cpus().length;
    checkParallelism(this.parallelism);
    this.maxParallelism = options.maxParallelism;
  }

  /** A local environment with default settings (Flink's getExecutionEnvironment in an IDE). */
  static getExecutionEnvironment(): StreamExecutionEnvironment {
    return new StreamExecutionEnvironment({});
  }

  static createLocalEnvironment(options: LocalEnvironmentOptions | number = {}): StreamExecutionEnvironment {
    return new StreamExecutionEnvironment(typeof options === 'number' ? { parallelism: options } : options);
  }

  // ---- settings

  setParallelism(parallelism: number): this {
    checkParallelism(parallelism);
    this.parallelism = parallelism;
    return this;
  }

  getParallelism(): number {
    return this.parallelism;
  }

  setMaxParallelism(maxParallelism: number): this {
    checkMaxParallelism(maxParallelism, 1);
    this.maxParallelism = maxParallelism;
    return this;
  }

  getMaxParallelism(): number | undefined {
    return this.maxParallelism;
  }

  getConfig(): ExecutionConfig {
    return this.config;
  }

  /** Flink's setBufferTimeout: ms before a partly filled batch is sent; 0 = at once, -1 = only when full. */
  setBufferTimeout(timeoutMs: number): this {
    if (!Number.isInteger(timeoutMs) || timeoutMs < -1) throw new RangeError(`buffer timeout must be -1, 0 or a positive integer, got ${timeoutMs}`);
    this.bufferTimeoutMs = timeoutMs;
    return this;
  }

  getBufferTimeout(): number {
    return this.bufferTimeoutMs;
  }

  disableOperatorChaining(): this {
    this.chainingEnabled = false;
    return this;
  }

  isChainingEnabled(): boolean {
    return this.chainingEnabled;
  }

  /**
   * Flink's enableCheckpointing: a checkpoint every `intervalMs`, barriers aligned (EXACTLY_ONCE,
   * the default) or not (AT_LEAST_ONCE). Further settings on getCheckpointConfig().
   */
  enableCheckpointing(intervalMs: number, mode: CheckpointingMode = 'EXACTLY_ONCE'): this {
    this.checkpointConfig.setCheckpointInterval(intervalMs).setCheckpointingMode(mode);
    return this;
  }

  getCheckpointConfig(): CheckpointConfig {
    return this.checkpointConfig;
  }

  /**
   * What happens when a subtask fails: 'none', 'fixed-delay', 'failure-rate' or
   * 'exponential-delay', with Flink's settings and defaults. Unset: exponential-delay when
   * checkpointing is enabled, none otherwise (Flink's default).
   */
  setRestartStrategy(strategy: RestartStrategyConfig): this {
    this.restartStrategy = strategy;
    return this;
  }

  /** Flink's SavepointRestoreSettings: start the job from a savepoint or retained checkpoint directory. */
  setSavepointRestoreSettings(settings: { readonly path: string; readonly allowNonRestoredState?: boolean } | undefined): this {
    this.savepointRestore = settings && { path: settings.path, allowNonRestoredState: settings.allowNonRestoredState ?? false };
    return this;
  }

  getClock(): Clock {
    return this.options.clock ?? systemClock;
  }

  // ---- sources

  /**
   * Lines from a TCP server; ends when the server closes the connection unless retries are asked
   * for. Lines over `maxLineBytes` (default 1 MiB) are skipped and counted as malformed records.
   */
  socketTextStream(hostname: string, port: number, delimiter = '\n', maxRetry = 0, maxLineBytes?: number): DataStreamSource<string> {
    return this.fromSource(new SocketTextSource(hostname, port, delimiter, maxRetry, maxLineBytes), undefined, 'Socket Stream');
  }

  fromElements<T>(...elements: T[]): DataStreamSource<T> {
    return this.fromSource(new CollectionSource<T>(elements), undefined, 'Collection Source');
  }

  fromCollection<T>(elements: Iterable<T>): DataStreamSource<T> {
    return this.fromSource(new CollectionSource<T>([...elements]), undefined, 'Collection Source');
  }

  /** The lines of a text file (bounded); lines over `maxLineBytes` (default 1 MiB) are skipped and counted as malformed records. */
  readTextFile(path: string, maxLineBytes?: number): DataStreamSource<string> {
    const source = new TextFileSource(path, maxLineBytes);
    return this.fromSource(source, undefined, source.name);
  }

  /** The numbers from..to inclusive, produced in parallel (Flink's fromSequence). */
  fromSequence(from: number, to: number): DataStreamSource<number> {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || to < from) throw new RangeError(`invalid sequence ${from}..${to}`);
    return this.fromSource(new DataGeneratorSource<number>((i) => from + i, to - from + 1), undefined, 'Sequence Source');
  }

  /** Record i is generator(i), for i < count (Infinity for unbounded), optionally rate-limited. */
  fromGenerator<T>(generator: (index: number) => T, count: number, options: DataGeneratorOptions = {}): DataStreamSource<T> {
    const source = new DataGeneratorSource<T>(generator, count, options);
    return this.fromSource(source, undefined, source.name);
  }

  /**
   * Records from an async iterable (async generator, Node readable stream, event iterator), read
   * ahead up to `prefetch` (default 64) while the job keeps up. Pass a function of the resume
   * offset, `(offset) => AsyncIterable`, for exactly once: a restore calls it with the number of
   * records emitted before the checkpoint. A plain AsyncIterable cannot be rewound: at most once
   * after a restore (a warning says so when checkpointing is on). The end of the iterable ends
   * the input; a rejection fails the job; cancelling calls the iterator's return().
   */
  fromAsyncIterable<T>(iterable: AsyncIterable<T> | AsyncIterableFactory<T>, options: AsyncIterableSourceOptions = {}): DataStreamSource<T> {
    const source = new AsyncIterableSource<T>(iterable, options);
    return this.fromSource(source, undefined, source.name);
  }

  /**
   * Any Source. With a watermark strategy, timestamps and watermarks are produced inside the
   * source task, as Flink's fromSource does; pass WatermarkStrategy.noWatermarks() or
   * undefined for none.
   */
  fromSource<T>(source: Source<T>, watermarkStrategy: WatermarkStrategy<T> | undefined, name: string): DataStreamSource<T> {
    const settings = defaultSettings(name, 'HEAD');
    if (source.maxSourceParallelism !== undefined) settings.parallelism = Math.min(this.parallelism, source.maxSourceParallelism);
    const t: SourceTransformation = {
      kind: 'source',
      id: this.nextTransformationId(),
      settings,
      source: source as Source<unknown>,
      watermarkStrategy: watermarkStrategy as WatermarkStrategy<unknown> | undefined,
    };
    this.addTransformation(t);
    return new DataStreamSource<T>(this, t, settings, source.maxSourceParallelism);
  }

  // ---- graphs and plans

  getStreamGraph(jobName = 'Flink Streaming Job'): StreamGraph {
    return generateStreamGraph(this.transformations, {
      jobName,
      defaultParallelism: this.parallelism,
      maxParallelism: this.maxParallelism,
      chainingEnabled: this.chainingEnabled,
    });
  }

  getJobGraph(jobName = 'Flink Streaming Job'): JobGraph {
    return createJobGraph(this.getStreamGraph(jobName));
  }

  /** Flink's execution plan JSON. */
  getExecutionPlan(): string {
    return JSON.stringify(this.getExecutionPlanObject(), null, 2);
  }

  getExecutionPlanObject(): ExecutionPlan {
    return executionPlan(this.getStreamGraph());
  }

  /** The job's tasks and edges as text (REBALANCE / HASH / FORWARD). */
  explain(jobName = 'Flink Streaming Job'): string {
    return explainJobGraph(this.getJobGraph(jobName));
  }

  // ---- execution

  /** Runs the job; resolves when it finishes (bounded sources) with per-task counts. */
  async execute(jobName = 'Flink Streaming Job', options: ExecuteOptions = {}): Promise<JobExecutionResult> {
    const client = await this.executeAsync(jobName, options);
    return client.getJobExecutionResult();
  }

  /** Submits the job and returns at once with a client to follow or cancel it. */
  async executeAsync(jobName = 'Flink Streaming Job', options: ExecuteOptions = {}): Promise<JobClient> {
    const { signal } = options;
    if (signal?.aborted) throw new AbortError(jobName, signal.reason);
    const client = this.submit(jobName);
    return signal ? abortableJobClient(client, jobName, signal) : client;
  }

  private submit(jobName: string): JobClient {
    if (this.options.cluster) return this.executeOn(this.options.cluster, jobName);
    const jobGraph = this.getJobGraph(jobName);
    const taskConfig = this.getTaskConfig();
    const taskManagers = this.options.numberOfTaskManagers ?? 1;
    const cluster = clusterFactory().startLocal({
      numberOfTaskManagers: taskManagers,
      slotsPerTaskManager: this.options.slotsPerTaskManager ?? Math.ceil(requiredSlots(jobGraph) / taskManagers),
      clock: this.getClock(),
      ...this.writers(),
    });
    const client = cluster.submitJob(jobGraph, taskConfig, this.jobSettings());
    void client.getJobExecutionResult().then(
      () => cluster.shutdown(),
      () => cluster.shutdown(),
    );
    return client;
  }

  /**
   * Submits the job to a cluster the caller started and keeps (the CLI's, which serves the REST
   * API and dashboard from its JobManager); returns at once with a client.
   */
  executeOn(cluster: JobCluster, jobName = 'Flink Streaming Job'): JobClient {
    return cluster.submitJob(this.getJobGraph(jobName), this.getTaskConfig(), this.jobSettings());
  }

  /** @internal Checkpointing, restart strategy and restore settings of jobs from this environment. */
  jobSettings(): JobSettings {
    return {
      checkpointing: this.checkpointConfig.isCheckpointingEnabled() ? this.checkpointConfig.toData() : undefined,
      restartStrategy: this.restartStrategy,
      savepointRestore: this.savepointRestore,
      reporter: this.options.reporter ?? writerReporter(this.writers().stderr, 'brook: '),
    };
  }

  /** The data-plane settings every subtask of a job from this environment gets. */
  getTaskConfig(): TaskConfig {
    return {
      ...DEFAULT_TASK_CONFIG,
      bufferTimeoutMs: this.bufferTimeoutMs,
      autoWatermarkInterval: this.config.getAutoWatermarkInterval(),
      seed: this.options.seed ?? DEFAULT_TASK_CONFIG.seed,
      batchSize: this.options.batchSize ?? DEFAULT_TASK_CONFIG.batchSize,
      creditsPerChannel: this.options.creditsPerChannel ?? DEFAULT_TASK_CONFIG.creditsPerChannel,
      checkpointingMode: this.checkpointConfig.isCheckpointingEnabled() ? this.checkpointConfig.getCheckpointingMode() : undefined,
    };
  }

  // ---- used by DataStream

  /** @internal */
  nextTransformationId(): number {
    return ++this.idCounter;
  }

  /** @internal */
  addTransformation(t: Transformation): void {
    this.transformations.push(t);
  }

  /** @internal Where print sinks write. */
  writers(): { stdout: TextWriter; stderr: TextWriter } {
    return { stdout: this.options.stdout ?? standardOutput(), stderr: this.options.stderr ?? standardError() };
  }
}
