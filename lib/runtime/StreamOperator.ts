import type { TraceLog } from '../util/TraceLog';
import { OutputTag } from '../core/OutputTag';
import { Clock } from '../time/Clock';
import { CheckpointingMode } from './checkpoint/CheckpointBarrier';
import { MailboxExecutor } from './MailboxExecutor';
import { OperatorMetrics } from './TaskMetrics';
import { ProcessingTimeService } from './ProcessingTimeService';
import { OperatorStateSnapshot, StateInitializationContext, StateSnapshotContext } from './state/OperatorStateSnapshot';
import { WatermarkStatus } from './WatermarkStatus';

/** Where an operator sends records, side-output records and watermarks. */
export interface Output<T> {
  collect(value: T, timestamp: number): void;
  collectSide<S>(tag: OutputTag<S>, value: S, timestamp: number): void;
  emitWatermark(watermark: number): void;
  emitWatermarkStatus(status: WatermarkStatus): void;
}

/**
 * A line-oriented text sink (stdout, stderr, or a test buffer). A writer that can fill up says
 * so as Node's streams do: `write` returns false, and `drained()` resolves once it takes more
 * (and rejects when it can take nothing more, e.g. a closed pipe).
 */
export interface TextWriter {
  write(text: string): boolean | void;
  drained?(): Promise<void>;
}

/** What the runtime gives every operator instance. */
export interface OperatorContext {
  readonly operatorName: string;
  readonly taskName: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly attemptNumber: number;
  readonly clock: Clock;
  readonly processingTimeService: ProcessingTimeService;
  readonly metrics: OperatorMetrics;
  readonly log: TraceLog;
  readonly stdout: TextWriter;
  readonly stderr: TextWriter;
  /** The interval of periodic watermark emission (ExecutionConfig.autoWatermarkInterval). */
  readonly autoWatermarkInterval: number;
  /** The job's checkpointing mode; undefined when checkpointing is off. */
  readonly checkpointingMode?: CheckpointingMode;
  /** The running job (changes when the job is submitted again, e.g. after a process restart). */
  readonly jobId?: string;
  /**
   * Asynchronous work the task must know about (a sink's network writes): a rejection fails the
   * task, naming `what`; the task does not finish while work is pending.
   */
  readonly trackAsync?: (work: Promise<unknown>, what: string) => void;
  /**
   * Backpressure from outside the job (a sink whose destination is full): the task takes no
   * more input, and a chained source emits nothing, until `work` settles. A rejection fails the
   * task, naming `what`.
   */
  readonly holdInputUntil?: (work: Promise<unknown>, what: string) => void;
  /** Runs actions on the task's mailbox (async I/O completions); absent where no task runs the operator. */
  readonly mailboxExecutor?: MailboxExecutor;
  /**
   * Rejects once the TaskManager running this subtask has been fenced out (its registration's
   * lease ended: it may have been paused while the JobManager failed its subtasks over). A sink
   * calls it right before an effect outside the job (a two-phase commit); absent where nothing
   * can fence the TaskManager (one process, no high availability).
   */
  readonly checkFence?: (action: string) => Promise<void>;
}

/**
 * One operator of a chain. Records arrive one by one through plain calls (no allocation per
 * record: value and timestamp are separate arguments); watermarks and status changes in band.
 */
export interface StreamOperator<IN, OUT> {
  readonly name: string;
  setup(context: OperatorContext, output: Output<OUT>): void;
  open(): void;
  processElement(value: IN, timestamp: number): void;
  processWatermark(watermark: number): void;
  processWatermarkStatus(status: WatermarkStatus): void;
  /** All input has ended (bounded input): emit what is still buffered. */
  endInput(): void;
  /**
   * Work that outlives endInput (async requests in flight): while true, the operators after
   * this one do not hear of the end of input and the task does not end (Flink's finish, which
   * yields to the mailbox until the operator's queue is empty).
   */
  hasPendingWork?(): boolean;
  /**
   * The operator takes no more input for now (its async request queue is full): the task stops
   * feeding it, which backpressures upstream, until a mailbox action frees room.
   */
  isInputBlocked?(): boolean;
  /** Called once after each batch or control event, so sinks can write in bulk. */
  flush(): void;
  close(): void;
  /**
   * Checkpointing. A stateful operator returns its state when a barrier passes it (cheaply:
   * see OperatorStateSnapshot), receives it back before `open()` when the job is restored, and
   * hears when a checkpoint completed (two-phase-commit sinks commit then).
   */
  snapshotState?(context: StateSnapshotContext): OperatorStateSnapshot;
  initializeState?(context: StateInitializationContext): void;
  notifyCheckpointComplete?(checkpointId: number): void;
  /** The checkpoint was abandoned (timeout, a failure elsewhere); its pending work is void. */
  notifyCheckpointAborted?(checkpointId: number): void;
  /**
   * Work the checkpoint waits for before this subtask acknowledges it, started after the barrier
   * went on (a two-phase-commit sink's pre-commit: Flink's TwoPhaseCommitSinkFunction#preCommit
   * makes the transaction durable before the checkpoint may complete).
   */
  preCommit?(checkpointId: number): Promise<void>;
}

/** Creates one operator instance per subtask, named as its node (after any `.name(...)`). */
export type OperatorFactory<IN, OUT> = (name: string) => StreamOperator<IN, OUT>;
