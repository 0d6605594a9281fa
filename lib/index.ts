// brook's public API, named as in Flink. The package's main entry (actors/index.ts) re-exports it
// with the actor cluster plugged in.
export { StreamExecutionEnvironment } from './api/StreamExecutionEnvironment';
export type { LocalEnvironmentOptions, ExecuteOptions } from './api/StreamExecutionEnvironment';
export { AbortError } from './api/AbortError';
export { AsyncDataStream } from './api/AsyncDataStream';
export type { AsyncFunction, AsyncWaitOptions, AsyncOutputMode } from './core/async/AsyncFunction';
export { AsyncTimeoutError } from './runtime/operators/async/AsyncTimeoutError';
export type { CollectIterator } from './api/CollectIterator';
export { DataStream, SingleOutputStreamOperator, DataStreamSource } from './api/DataStream';
export { KeyedStream } from './api/KeyedStream';
export { WindowedStream } from './api/WindowedStream';
export { DataStreamSink } from './api/DataStreamSink';
export { ExecutionConfig } from './api/ExecutionConfig';
export { OutputTag } from './core/OutputTag';
export type { JobClient } from './api/JobClient';
export { executeOnTaskManagerThreads, executeOnTaskManagerThreadsAsync } from './api/executeOnTaskManagerThreads';
export type { TaskManagerThreadsJob, TaskManagerThreadsOptions, TaskManagerThreadsRunOptions } from './api/executeOnTaskManagerThreads';
export type { DefineJob, JobModule } from './api/JobModule';
export type { JobExecutionResult, VertexResult } from './api/JobExecutionResult';
export type { JobStatus } from './api/JobStatus';
export type {
  MapFunction,
  FilterFunction,
  FlatMapFunction,
  ReduceFunction,
  KeySelector,
  Collector,
  AggregateFunction,
  NumericField,
  ComparableField,
} from './core/functions';

export { Time } from './core/Time';
export type { Duration } from './core/Time';
export type { Clock } from './time/Clock';
export { SystemClock, systemClock } from './time/SystemClock';
export { ManualClock } from './time/ManualClock';
export { WatermarkStrategy } from './time/WatermarkStrategy';
export type { WatermarkGenerator, WatermarkOutput, TimestampAssigner } from './time/WatermarkGenerator';
export { MIN_WATERMARK, MAX_WATERMARK, NO_TIMESTAMP } from './time/Watermark';

export { TumblingEventTimeWindows } from './windowing/assigners/TumblingEventTimeWindows';
export { TumblingProcessingTimeWindows } from './windowing/assigners/TumblingProcessingTimeWindows';
export { SlidingEventTimeWindows } from './windowing/assigners/SlidingEventTimeWindows';
export { SlidingProcessingTimeWindows } from './windowing/assigners/SlidingProcessingTimeWindows';
export { EventTimeSessionWindows } from './windowing/assigners/EventTimeSessionWindows';
export { ProcessingTimeSessionWindows } from './windowing/assigners/ProcessingTimeSessionWindows';
export { DynamicEventTimeSessionWindows } from './windowing/assigners/DynamicEventTimeSessionWindows';
export { DynamicProcessingTimeSessionWindows } from './windowing/assigners/DynamicProcessingTimeSessionWindows';
export type { SessionWindowTimeGapExtractor } from './windowing/assigners/SessionWindowTimeGapExtractor';
export { GlobalWindows } from './windowing/assigners/GlobalWindows';
export type { WindowAssigner, MergingWindowAssigner, WindowAssignerContext } from './windowing/assigners/WindowAssigner';
export { EventTimeTrigger } from './windowing/triggers/EventTimeTrigger';
export { ProcessingTimeTrigger } from './windowing/triggers/ProcessingTimeTrigger';
export { CountTrigger } from './windowing/triggers/CountTrigger';
export { ContinuousEventTimeTrigger } from './windowing/triggers/ContinuousEventTimeTrigger';
export { ContinuousProcessingTimeTrigger } from './windowing/triggers/ContinuousProcessingTimeTrigger';
export { PurgingTrigger } from './windowing/triggers/PurgingTrigger';
export { NeverTrigger } from './windowing/triggers/NeverTrigger';
export type { Trigger, TriggerContext, OnMergeContext, TriggerResult } from './windowing/triggers/Trigger';
export { CountEvictor } from './windowing/evictors/CountEvictor';
export { TimeEvictor } from './windowing/evictors/TimeEvictor';
export type { Evictor, EvictorContext, TimestampedValue } from './windowing/evictors/Evictor';
export { TimeWindow } from './windowing/windows/TimeWindow';
export { GlobalWindow } from './windowing/windows/GlobalWindow';
export type { Window } from './windowing/windows/Window';
export type { ProcessWindowFunction, ProcessWindowContext, WindowFunction } from './windowing/functions/ProcessWindowFunction';

export type { ValueState, ListState, MapState, ReducingState, AggregatingState, AppendingState, State } from './core/state/State';
export {
  ValueStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  AggregatingStateDescriptor,
} from './core/state/StateDescriptor';
export { StateTtlConfig } from './core/state/StateTtlConfig';
export type { Checkpointable, StateName } from './core/state/Checkpointable';
export { ProcessFunction, KeyedProcessFunction } from './core/process/ProcessFunction';
export type { ProcessFunctionContext, OnTimerContext, KeyedProcessFunctionContext, KeyedOnTimerContext } from './core/process/ProcessFunction';
export { AbstractRichFunction } from './core/process/RuntimeContext';
export { ConnectedStreams } from './api/ConnectedStreams';
export { JoinedStreams } from './api/JoinedStreams';
export type { JoinFunction, FlatJoinFunction } from './api/JoinedStreams';
export { CoGroupedStreams } from './api/CoGroupedStreams';
export type { CoGroupFunction, TaggedUnion } from './api/CoGroupedStreams';
export { IntervalJoin, IntervalJoined } from './api/IntervalJoin';
export { ProcessJoinFunction } from './core/process/ProcessJoinFunction';
export type { ProcessJoinContext } from './core/process/ProcessJoinFunction';
export { BroadcastStream, BroadcastConnectedStream } from './api/BroadcastStream';
export { BroadcastProcessFunction, KeyedBroadcastProcessFunction } from './core/process/BroadcastProcessFunction';
export type {
  BroadcastState,
  ReadOnlyBroadcastState,
  BroadcastContext,
  BroadcastReadOnlyContext,
  KeyedBroadcastContext,
  KeyedBroadcastReadOnlyContext,
} from './core/process/BroadcastProcessFunction';
export { CoProcessFunction, KeyedCoProcessFunction } from './core/process/CoFunctions';
export type { CoMapFunction, CoFlatMapFunction } from './core/process/CoFunctions';
export type { TwoInputStreamOperator } from './runtime/TwoInputStreamOperator';
export { AbstractTwoInputStreamOperator } from './runtime/operators/AbstractTwoInputStreamOperator';
export type { RuntimeContext } from './core/process/RuntimeContext';
export type { TimerService, TimeDomain } from './core/process/TimerService';
export type { KeyedStateStore } from './core/state/KeyedStateStore';
export type { OperatorStateSnapshot, StateSnapshotContext, StateInitializationContext } from './runtime/state/OperatorStateSnapshot';

export type { Source, SourceReader, SourceReaderContext, ReaderOutput, InputStatus } from './connectors/source/Source';
export { SocketTextSource } from './connectors/source/SocketTextSource';
export { CollectionSource } from './connectors/source/CollectionSource';
export { TextFileSource } from './connectors/source/TextFileSource';
export { DataGeneratorSource } from './connectors/source/DataGeneratorSource';
export { AsyncIterableSource } from './connectors/source/AsyncIterableSource';
export type { AsyncIterableFactory, AsyncIterableSourceOptions } from './connectors/source/AsyncIterableSource';
export type { DataGeneratorOptions } from './connectors/source/DataGeneratorSource';
export type { Sink, SinkFunction, SinkContext, SinkRuntimeContext } from './connectors/sink/SinkFunction';
export { PrintSink, printPrefix } from './connectors/sink/PrintSink';
export { CollectSink } from './connectors/sink/CollectSink';
export { FileSink } from './connectors/sink/FileSink';
export type { PartFileTransaction } from './connectors/sink/FileSink';
export type { TwoPhaseCommitSink, TwoPhaseCommitWriter, TransactionalSinkContext } from './connectors/sink/TwoPhaseCommitSink';
export type { ForwardableSink } from './connectors/sink/ForwardableSink';

export { MalformedRecordError, UserFunctionError, TaskFailure, JobExecutionError, NotEnoughSlotsError } from './runtime/errors';
export type { StreamOperator, Output, OperatorContext, TextWriter } from './runtime/StreamOperator';
export type { MailboxExecutor } from './runtime/MailboxExecutor';
export { AbstractStreamOperator } from './runtime/AbstractStreamOperator';
export { backPressureLevel } from './runtime/BackPressureGauge';
export type { BackPressureLevel, BackPressureSnapshot } from './runtime/BackPressureGauge';
export type { TaskMetricsSnapshot, OperatorMetricsSnapshot } from './runtime/TaskMetrics';

export { assignToKeyGroup, assignKeyToParallelOperator, computeDefaultMaxParallelism, computeKeyGroupRangeForOperatorIndex } from './partitioners/keyGroups';
export { javaHashCode } from './partitioners/javaHashCode';
export { murmurHash } from './partitioners/murmurHash';

export type { JobCluster, ClusterGateway } from './cluster/JobCluster';
export type { ClusterFactory, LocalClusterConfig, ThreadClusterConfig, ThreadJob } from './cluster/ClusterFactory';
export type { ClusterOverview, JobSnapshot } from './controlplane/ClusterQueries';
export type { JobSettings } from './controlplane/JobSubmission';
export type { CheckpointStatsSnapshot, CompletedCheckpointStats } from './runtime/checkpoint/CheckpointStats';
export { CheckpointConfig } from './api/CheckpointConfig';
export type { CheckpointStorageOptions } from './api/CheckpointConfig';
export type { CheckpointingMode } from './runtime/checkpoint/CheckpointBarrier';
export type { RestartStrategyConfig } from './runtime/restart/RestartStrategy';
export { findLatestCompletedCheckpoint } from './runtime/checkpoint/CheckpointStorage';
export type { TraceLog } from './util/TraceLog';

// Web dashboard, REST API and CLI (job files).
export { RestServer, DEFAULT_WEB_PORT } from './rest/RestServer';
export type { RestServerOptions } from './rest/RestServer';
export type { JobFile, JobFileContext } from './cli/JobFile';
export { runJobFile } from './cli/runJob';
export type { RunJobOptions, RunJobOutcome } from './cli/runJob';
