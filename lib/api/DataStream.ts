import { CollectSink } from '../connectors/sink/CollectSink';
import { PrintSink } from '../connectors/sink/PrintSink';
import { isSink, Sink, SinkContext, SinkFunction } from '../connectors/sink/SinkFunction';
import { isTwoPhaseCommitSink, TwoPhaseCommitSink } from '../connectors/sink/TwoPhaseCommitSink';
import { TwoPhaseCommitSinkOperator } from '../runtime/operators/TwoPhaseCommitSinkOperator';
import { defaultSettings, OneInputTransformation, OperatorSettings, TimestampUse, Transformation } from '../graph/Transformation';
import { BroadcastPartitioner } from '../partitioners/BroadcastPartitioner';
import { CustomPartitionerWrapper, Partitioner } from '../partitioners/CustomPartitionerWrapper';
import { ForwardPartitioner } from '../partitioners/ForwardPartitioner';
import { GlobalPartitioner } from '../partitioners/GlobalPartitioner';
import { RebalancePartitioner } from '../partitioners/RebalancePartitioner';
import { RescalePartitioner } from '../partitioners/RescalePartitioner';
import { ShufflePartitioner } from '../partitioners/ShufflePartitioner';
import { StreamPartitioner } from '../partitioners/StreamPartitioner';
import { StreamFilter } from '../runtime/operators/StreamFilter';
import { StreamFlatMap } from '../runtime/operators/StreamFlatMap';
import { StreamMap } from '../runtime/operators/StreamMap';
import { ProcessOperator } from '../runtime/operators/ProcessOperator';
import { ProcessFunction } from '../core/process/ProcessFunction';
import { StreamSink } from '../runtime/operators/StreamSink';
import { BoundedCollectOperator } from '../runtime/operators/BoundedCollectOperator';
import { CollectIterator } from './CollectIterator';
import { TimestampsAndWatermarksOperator } from '../runtime/operators/TimestampsAndWatermarksOperator';
import { OperatorFactory } from '../runtime/StreamOperator';
import { WatermarkStrategy } from '../time/WatermarkStrategy';
import { checkParallelism, ConfigurableOperator, withConfigurableOperator } from './ConfigurableOperator';
import { DataStreamSink } from './DataStreamSink';
import { FilterFunction, FlatMapFunction, KeySelector, MapFunction } from '../core/functions';
import type { KeyedStream } from './KeyedStream';
import type { ConnectedStreams } from './ConnectedStreams';
import type { BroadcastConnectedStream, BroadcastStream } from './BroadcastStream';
import type { MapStateDescriptor } from '../core/state/StateDescriptor';
import type { JoinedStreams } from './JoinedStreams';
import type { CoGroupedStreams } from './CoGroupedStreams';
import { OutputTag } from '../core/OutputTag';
import type { StreamExecutionEnvironment } from './StreamExecutionEnvironment';

/** The classes DataStream's keyBy, connect, join, coGroup and broadcast construct. */
export interface DerivedStreamClasses {
  KeyedStream: typeof KeyedStream;
  ConnectedStreams: typeof ConnectedStreams;
  BroadcastStream: typeof BroadcastStream;
  BroadcastConnectedStream: typeof BroadcastConnectedStream;
  JoinedStreams: typeof JoinedStreams;
  CoGroupedStreams: typeof CoGroupedStreams;
}

/**
 * KeyedStream extends DataStream and the other derived streams take DataStreams, so their
 * modules load after DataStream's; DataStream reaches them here instead of importing them (an
 * import back would make the modules depend on each other while they load). Each derived module
 * registers its class when it loads; StreamExecutionEnvironment loads them all, and every stream
 * comes from an environment.
 */
const registered: Partial<DerivedStreamClasses> = {};

export function registerDerivedStream<N extends keyof DerivedStreamClasses>(name: N, streamClass: DerivedStreamClasses[N]): void {
  registered[name] = streamClass;
}

export function derivedStream<N extends keyof DerivedStreamClasses>(name: N): DerivedStreamClasses[N] {
  const streamClass = registered[name];
  if (streamClass === undefined) {
    throw new Error(`${name} is not loaded: import StreamExecutionEnvironment (or the brook package) before building streams`);
  }
  return streamClass as DerivedStreamClasses[N];
}

/**
 * A stream of T (Flink's DataStream): transformations return new streams; nothing runs until
 * the environment executes the job.
 */
export class DataStream<T> {
  /** Phantom member: a stream of T is not a stream of anything else. */
  declare readonly __element?: (value: T) => T;

  constructor(
    readonly environment: StreamExecutionEnvironment,
    readonly transformation: Transformation,
  ) {}

  map<R>(fn: MapFunction<T, R>): SingleOutputStreamOperator<R> {
    return this.transform<R>('Map', (name) => new StreamMap<T, R>(fn, name));
  }

  flatMap<R>(fn: FlatMapFunction<T, R>): SingleOutputStreamOperator<R> {
    return this.transform<R>('Flat Map', (name) => new StreamFlatMap<T, R>(fn, name));
  }

  filter(fn: FilterFunction<T>): SingleOutputStreamOperator<T> {
    return this.transform<T>('Filter', (name) => new StreamFilter<T>(fn, name));
  }

  /** Window join: `a.join(b).where(ka).equalTo(kb).window(w).apply((x, y) => ...)`. */
  join<T2>(other: DataStream<T2>): JoinedStreams<T, T2> {
    return new (derivedStream('JoinedStreams'))<T, T2>(this, other);
  }

  /** Window coGroup: both sides' elements of a key and window in one call. */
  coGroup<T2>(other: DataStream<T2>): CoGroupedStreams<T, T2> {
    return new (derivedStream('CoGroupedStreams'))<T, T2>(this, other);
  }

  /** Connects another stream: one operator then sees both (Flink's connect). */
  connect<T2>(other: DataStream<T2>): ConnectedStreams<T, T2>;
  connect<T2>(other: BroadcastStream<T2>): BroadcastConnectedStream<T, T2>;
  connect<T2>(other: DataStream<T2> | BroadcastStream<T2>): ConnectedStreams<T, T2> | BroadcastConnectedStream<T, T2> {
    if (!(other instanceof DataStream)) return new (derivedStream('BroadcastConnectedStream'))<T, T2>(this, other);
    return new (derivedStream('ConnectedStreams'))<T, T2>(this, other);
  }

  /** Each element with a context: timestamp, watermark, side outputs (Flink's ProcessFunction). */
  process<R>(fn: ProcessFunction<T, R>): SingleOutputStreamOperator<R> {
    return this.transform<R>('Process', (name) => new ProcessOperator<T, R>(fn, name));
  }

  /** Partitions by a field of the record (checked by the compiler) or by a key selector. */
  keyBy<F extends keyof T & string>(field: F): KeyedStream<T, T[F]>;
  keyBy<K>(keySelector: KeySelector<T, K>): KeyedStream<T, K>;
  keyBy<K>(fieldOrSelector: string | KeySelector<T, K>): KeyedStream<T, K> {
    const selector: KeySelector<T, K> = typeof fieldOrSelector === 'function' ? fieldOrSelector : fieldSelector<T, K>(fieldOrSelector);
    return new (derivedStream('KeyedStream'))<T, K>(this, selector);
  }

  rebalance(): DataStream<T> {
    return this.partition(new RebalancePartitioner<T>());
  }

  rescale(): DataStream<T> {
    return this.partition(new RescalePartitioner<T>());
  }

  /** Every record to every subtask; with state descriptors, a BroadcastStream for the broadcast state pattern. */
  broadcast(): DataStream<T>;
  broadcast(...descriptors: MapStateDescriptor<never, never>[]): BroadcastStream<T>;
  broadcast(...descriptors: MapStateDescriptor<never, never>[]): DataStream<T> | BroadcastStream<T> {
    const partitioned = this.partition(new BroadcastPartitioner<T>());
    if (descriptors.length === 0) return partitioned;
    return new (derivedStream('BroadcastStream'))<T>(partitioned, descriptors as unknown as MapStateDescriptor<unknown, unknown>[]);
  }

  forward(): DataStream<T> {
    return this.partition(new ForwardPartitioner<T>());
  }

  global(): DataStream<T> {
    return this.partition(new GlobalPartitioner<T>());
  }

  shuffle(): DataStream<T> {
    return this.partition(new ShufflePartitioner<T>());
  }

  partitionCustom<K>(partitioner: Partitioner<K>, keySelector: KeySelector<T, K>): DataStream<T> {
    return this.partition(new CustomPartitionerWrapper<T, K>(partitioner, keySelector));
  }

  /** Merges streams of the same type (no deduplication). */
  union(...others: DataStream<T>[]): DataStream<T> {
    for (const o of others) {
      if (o.environment !== this.environment) throw new Error('cannot union streams of different environments');
    }
    return new DataStream<T>(this.environment, {
      kind: 'union',
      id: this.environment.nextTransformationId(),
      inputs: [this.transformation, ...others.map((o) => o.transformation)],
    });
  }

  assignTimestampsAndWatermarks(strategy: WatermarkStrategy<T>): SingleOutputStreamOperator<T> {
    // Without a timestamp assigner the strategy keeps the records' own timestamps (Flink's RecordTimestampAssigner).
    return this.transform<T>('Timestamps/Watermarks', (name) => new TimestampsAndWatermarksOperator<T>(strategy, name), {
      timestamps: strategy.usesRecordTimestamps() ? 'passes' : 'assigns',
    });
  }

  /** Scala API's assignAscendingTimestamps: monotonous timestamps taken from each element. */
  assignAscendingTimestamps(extractor: (element: T) => number): SingleOutputStreamOperator<T> {
    return this.assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<T>().withTimestampAssigner((e) => extractor(e)));
  }

  /** Prints each record with Flink's prefix rule: "k> " from the sink's subtask when parallel. */
  print(identifier?: string): DataStreamSink<T> {
    return this.sinkTo(new PrintSink<T>('stdout', identifier));
  }

  printToErr(identifier?: string): DataStreamSink<T> {
    return this.sinkTo(new PrintSink<T>('stderr', identifier));
  }

  /**
   * A user sink: a function, or a SinkFunction object (one object shared by all parallel
   * instances; use sinkTo with a Sink for one writer per subtask).
   */
  addSink(sink: SinkFunction<T> | ((value: T, context: SinkContext) => void)): DataStreamSink<T> {
    const fn: SinkFunction<T> = typeof sink === 'function' ? { invoke: sink } : sink;
    return this.addSinkOperator('Unnamed', () => fn);
  }

  /**
   * A sink that creates one writer per parallel subtask; a TwoPhaseCommitSink writes through
   * transactions committed when checkpoints complete (exactly once end to end).
   */
  sinkTo<TXN>(sink: Sink<T> | TwoPhaseCommitSink<T, TXN>): DataStreamSink<T> {
    if (isTwoPhaseCommitSink(sink)) {
      const transactional = sink as TwoPhaseCommitSink<T, TXN>;
      return this.addSinkFactory(
        sink.name,
        (name) => new TwoPhaseCommitSinkOperator<T, TXN>(transactional, name),
        transactional as TwoPhaseCommitSink<unknown, unknown>,
      );
    }
    if (!isSink(sink)) throw new TypeError('sinkTo expects a Sink (an object with createWriter)');
    return this.addSinkOperator(sink.name, (ctx) => sink.createWriter(ctx), sink as Sink<unknown>);
  }

  /** Runs the job and returns every record of this stream (bounded jobs; Flink's executeAndCollect). */
  async executeAndCollect(jobName = 'Flink Streaming Job'): Promise<T[]> {
    const sink = new CollectSink<T>();
    this.sinkTo(sink);
    await this.environment.execute(jobName);
    return sink.values;
  }

  /**
   * Runs the job and yields this stream's records as they come, bounded or not (Flink's
   * executeAndCollect iterator): `for await (const r of stream.collectAsync()) …`. At most
   * `capacity` records (default 1024) wait for the consumer, plus the network batch being
   * delivered; then the job waits for the consumer (backpressure). Leaving the loop cancels the
   * job. Runs the job in this process (not on TaskManager threads).
   */
  collectAsync(options: { readonly jobName?: string; readonly capacity?: number } = {}): CollectIterator<T> {
    // Checks the capacity before anything is submitted.
    const iterator = new CollectIterator<T>(options.capacity ?? 1024);
    // A task of its own: its input comes in network batches, so the buffer overshoots its
    // capacity by one batch at most (chained to a source, by a whole source slice).
    const settings = defaultSettings('Collect Async Sink', 'HEAD');
    // One consumer, one sink subtask (as Flink's collect sink): records of one upstream subtask stay in order.
    settings.parallelism = 1;
    this.environment.addTransformation({
      kind: 'sink',
      id: this.environment.nextTransformationId(),
      settings,
      input: this.transformation,
      operatorFactory: (name) => new BoundedCollectOperator<T>(iterator, name) as never,
    });
    iterator.follow(this.environment.executeAsync(options.jobName ?? 'Flink Streaming Job'));
    return iterator;
  }

  /** Adds a custom operator (Flink's transform). */
  transform<R>(name: string, factory: OperatorFactory<T, R>, options: { keyed?: boolean; timestamps?: TimestampUse } = {}): SingleOutputStreamOperator<R> {
    const t: OneInputTransformation = {
      kind: 'oneInput',
      id: this.environment.nextTransformationId(),
      settings: defaultSettings(name, 'ALWAYS'),
      input: this.transformation,
      operatorFactory: factory as OperatorFactory<unknown, unknown>,
      keyed: options.keyed ?? false,
      timestamps: options.timestamps,
    };
    this.environment.addTransformation(t);
    return new SingleOutputStreamOperator<R>(this.environment, t, t.settings);
  }

  protected partition(partitioner: StreamPartitioner<T>): DataStream<T> {
    return new DataStream<T>(this.environment, {
      kind: 'partition',
      id: this.environment.nextTransformationId(),
      input: this.transformation,
      partitioner: partitioner as StreamPartitioner<unknown>,
    });
  }

  private addSinkOperator(name: string, createWriter: ConstructorParameters<typeof StreamSink<T>>[0], sink?: Sink<unknown>): DataStreamSink<T> {
    return this.addSinkFactory(name, (operatorName) => new StreamSink<T>(createWriter, operatorName), sink);
  }

  private addSinkFactory(
    name: string,
    create: (operatorName: string) => StreamSink<T> | TwoPhaseCommitSinkOperator<T, unknown>,
    sink?: Sink<unknown> | TwoPhaseCommitSink<unknown, unknown>,
  ): DataStreamSink<T> {
    const settings = defaultSettings(name, 'ALWAYS');
    this.environment.addTransformation({
      kind: 'sink',
      id: this.environment.nextTransformationId(),
      settings,
      input: this.transformation,
      operatorFactory: (operatorName) => create(operatorName) as never,
      sink,
    });
    return new DataStreamSink<T>(settings);
  }
}

/** A stream produced by one operator, whose settings can be changed (Flink's SingleOutputStreamOperator). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- TypeScript's mixin pattern: the interface below declares what withConfigurableOperator installs on the prototype
export class SingleOutputStreamOperator<T> extends DataStream<T> {
  constructor(
    environment: StreamExecutionEnvironment,
    transformation: Transformation,
    protected readonly settings: OperatorSettings,
  ) {
    super(environment, transformation);
  }

  getName(): string {
    return this.settings.name;
  }

  getParallelism(): number {
    return this.settings.parallelism ?? this.environment.getParallelism();
  }

  setMaxParallelism(maxParallelism: number): this {
    checkParallelism(maxParallelism);
    this.settings.maxParallelism = maxParallelism;
    return this;
  }

  /** This operator begins a new chain (it is not chained to its predecessor). */
  startNewChain(): this {
    this.settings.chainingStrategy = 'HEAD';
    return this;
  }

  /** The records this operator emitted to `tag` (late data, process function side outputs). */
  getSideOutput<S>(tag: OutputTag<S>): DataStream<S> {
    return new DataStream<S>(this.environment, {
      kind: 'sideOutput',
      id: this.environment.nextTransformationId(),
      input: this.transformation,
      tag: tag as OutputTag<unknown>,
    });
  }
}

/** name, uid, setParallelism, disableChaining and slotSharingGroup, as on a DataStreamSink. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the mixin's interface half: merging with the class needs its type parameters, used here or not
export interface SingleOutputStreamOperator<T> extends ConfigurableOperator {}
withConfigurableOperator(SingleOutputStreamOperator);

/** A stream read from a source. */
export class DataStreamSource<T> extends SingleOutputStreamOperator<T> {
  constructor(
    environment: StreamExecutionEnvironment,
    transformation: Transformation,
    settings: OperatorSettings,
    private readonly maxSourceParallelism: number | undefined,
  ) {
    super(environment, transformation, settings);
  }

  override setParallelism(parallelism: number): this {
    if (this.maxSourceParallelism !== undefined && parallelism > this.maxSourceParallelism) {
      throw new Error(`The parallelism of non parallel operator '${this.settings.name}' must be ${this.maxSourceParallelism}, got ${parallelism}`);
    }
    return super.setParallelism(parallelism);
  }
}

function fieldSelector<T, K>(field: string): KeySelector<T, K> {
  const selector = (value: T): K => {
    const key = (value as Record<string, unknown>)[field];
    if (key === undefined) throw new Error(`keyBy('${field}'): the record has no field '${field}'`);
    return key as K;
  };
  Object.defineProperty(selector, 'name', { value: `field(${field})` });
  return selector;
}
