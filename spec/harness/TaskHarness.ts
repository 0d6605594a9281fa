import v8 from 'v8';
import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { ChannelMessage } from '../../lib/runtime/ChannelMessage';
import { AbstractStreamOperator } from '../../lib/runtime/AbstractStreamOperator';
import { CheckpointBarrier, CheckpointingMode } from '../../lib/runtime/checkpoint/CheckpointBarrier';
import { StateHandle, SubtaskCheckpointStats } from '../../lib/runtime/checkpoint/CheckpointMetadata';
import { CheckpointResponder } from '../../lib/runtime/checkpoint/SubtaskCheckpointCoordinator';
import { ExecutionState } from '../../lib/runtime/ExecutionState';
import { OperatorStateSnapshot, StateSnapshotContext } from '../../lib/runtime/state/OperatorStateSnapshot';
import { StreamTask } from '../../lib/runtime/StreamTask';
import { DEFAULT_TASK_CONFIG, TaskConfig } from '../../lib/runtime/TaskConfig';
import { TaskMessage } from '../../lib/runtime/TaskMessage';
import { ManualClock } from '../../lib/time/ManualClock';

/**
 * The operator a TaskHarness runs: passes records on unchanged and, at each barrier, snapshots
 * the values it has seen so far (as operator state), so a test can tell which records a
 * checkpoint holds.
 */
export class RecordingOperator extends AbstractStreamOperator<string, string> {
  readonly seen: string[] = [];
  /** One entry per snapshot, in order: the checkpoint and the records it holds. */
  readonly snapshots: Array<{ checkpointId: number; seen: readonly string[] }> = [];

  processElement(value: string, timestamp: number): void {
    this.seen.push(value);
    this.output.collect(value, timestamp);
  }

  snapshotState(context: StateSnapshotContext): OperatorStateSnapshot {
    const seen = this.seen.slice();
    this.snapshots.push({ checkpointId: context.checkpointId, seen });
    return { operator: [seen] };
  }
}

export interface TaskHarnessOptions {
  /** Input channels (one upstream subtask each). */
  readonly inputChannels: number;
  /** Output channels (one downstream subtask each); 1 unless told. */
  readonly outputChannels?: number;
  /** Barrier handling; null for a job without checkpoints. EXACTLY_ONCE unless told. */
  readonly mode?: CheckpointingMode | null;
  /**
   * Credits each output channel starts with. The fake consumers hand one back for every batch
   * they receive unless `manualCredit` is set; then only `grantCredit` does.
   */
  readonly creditsPerChannel?: number;
  readonly manualCredit?: boolean;
  /** Records per output batch; 1 unless told, so that every record shows where it went. */
  readonly batchSize?: number;
}

export interface Acknowledgement {
  readonly checkpointId: number;
  /** The chain's state as it would be restored: operator id → snapshot. */
  readonly state: Record<string, OperatorStateSnapshot> | undefined;
  readonly stats: SubtaskCheckpointStats;
}

/**
 * Flink's StreamTaskTestHarness with the input-gate scripting of AlignedCheckpointsTest: a real
 * StreamTask (one RecordingOperator) on a manual clock, with fake producers on its input
 * channels and fake consumers on its output channels. A test feeds channel messages per channel
 * in a chosen order (they wait in the task's mailbox, as an actor's messages do), steps the
 * mailbox one message at a time, and after each step reads what went out (in order), which
 * input channels alignment holds back, the credit handed back to each producer, and the
 * checkpoint acknowledgements and declines.
 *
 * Output reads as marbles: a record is its value, `|n` barrier n, `wm:t` a watermark, `idle` /
 * `active` a watermark status, `end` end of input, `eop` end of partition.
 */
export class TaskHarness {
  readonly clock = new ManualClock(0);
  readonly task: StreamTask;
  readonly operator: RecordingOperator;
  /** Messages posted to the task's mailbox and not yet handled, oldest first. */
  readonly mailbox: TaskMessage[] = [];
  /** Per output channel, everything the consumer received. */
  readonly delivered: ChannelMessage[][];
  /** Per input channel, the credits the task handed back to its producer. */
  readonly creditsReturned: number[];
  readonly acknowledged: Acknowledgement[] = [];
  readonly declined: Array<{ checkpointId: number; reason: string; countsAsFailure: boolean }> = [];
  readonly states: ExecutionState[] = [];
  private readonly pendingAsync: Promise<unknown>[] = [];
  private readonly manualCredit: boolean;
  private readonly taken: number[];
  private failure: Error | undefined;

  constructor(options: TaskHarnessOptions) {
    const { inputChannels, outputChannels = 1, mode = 'EXACTLY_ONCE', manualCredit = false } = options;
    this.manualCredit = manualCredit;
    this.delivered = Array.from({ length: outputChannels }, () => []);
    this.taken = new Array<number>(outputChannels).fill(0);
    this.creditsReturned = new Array<number>(inputChannels).fill(0);

    // The job around the task: `inputChannels` upstream subtasks → this task → `outputChannels` consumers.
    const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 1, clock: this.clock });
    let operator: RecordingOperator | undefined;
    env
      .fromGenerator((i) => String(i), 0)
      .setParallelism(inputChannels)
      .rebalance()
      .transform<string>('Recording', (name) => (operator = new RecordingOperator(name)))
      .setParallelism(1)
      .rebalance()
      .addSink(() => undefined)
      .setParallelism(outputChannels);
    const vertex = env.getJobGraph().vertices.find((v) => v.headNode.name === 'Recording');
    if (!vertex) throw new Error('TaskHarness: the job graph has no Recording vertex');

    const config: TaskConfig = {
      ...DEFAULT_TASK_CONFIG,
      batchSize: options.batchSize ?? 1,
      bufferTimeoutMs: 0,
      creditsPerChannel: options.creditsPerChannel ?? DEFAULT_TASK_CONFIG.creditsPerChannel,
      ...(mode ? { checkpointingMode: mode } : {}),
    };
    const responder: CheckpointResponder = {
      acknowledgeCheckpoint: (checkpointId: number, handle: StateHandle | undefined, stats: SubtaskCheckpointStats) => {
        if (handle !== undefined && handle.kind !== 'bytes') throw new Error('TaskHarness: expected in-memory state');
        const state = handle ? (v8.deserialize(handle.bytes) as Record<string, OperatorStateSnapshot>) : undefined;
        this.acknowledged.push({ checkpointId, state, stats });
      },
      declineCheckpoint: (checkpointId, reason, countsAsFailure) => void this.declined.push({ checkpointId, reason, countsAsFailure }),
    };
    this.task = new StreamTask(
      { jobName: 'task-harness', vertex, subtaskIndex: 0, attemptNumber: 0, config },
      {
        clock: this.clock,
        stdout: { write() {} },
        stderr: { write() {} },
        post: (message) => void this.mailbox.push(message),
        onStateChange: (state, failure) => {
          this.states.push(state);
          if (failure) this.failure = failure;
        },
        checkpointResponder: responder,
        trackAsync: (work) => void this.pendingAsync.push(work),
      },
    );
    const edge = vertex.outputs[0].streamEdge;
    this.task.start({
      inputs: Array.from({ length: inputChannels }, (_, index) => ({
        index,
        returnCredit: (credits: number) => void (this.creditsReturned[index] += credits),
      })),
      outputs: [
        {
          streamEdgeId: edge.id,
          partitioner: edge.partitioner,
          channels: this.delivered.map((received, index) => ({
            index,
            consumerChannel: 0,
            deliver: (message: ChannelMessage) => {
              received.push(message);
              // The consumer processes a batch at once and hands its credit back, in its own turn.
              if (message.type === 'records' && !this.manualCredit) this.mailbox.push({ type: 'credit', outputChannel: index, credits: 1 });
            },
          })),
        },
      ],
    });
    if (!operator) throw new Error('TaskHarness: the task did not create its operator');
    this.operator = operator;
    this.throwIfFailed();
  }

  // ---- feeding: each message waits in the mailbox until a step handles it

  /** One batch of records on `channel`. */
  records(channel: number, ...values: string[]): this {
    return this.post({ type: 'records', channel, values, timestamps: values.map(() => 0) });
  }

  barrier(channel: number, checkpointId: number, kind: CheckpointBarrier['kind'] = 'CHECKPOINT'): this {
    return this.post({ type: 'barrier', channel, barrier: { checkpointId, timestamp: this.clock.now(), kind, location: undefined } });
  }

  watermark(channel: number, watermark: number): this {
    return this.post({ type: 'watermark', channel, watermark });
  }

  endOfInput(channel: number): this {
    return this.post({ type: 'endOfInput', channel });
  }

  endOfPartition(channel: number): this {
    return this.post({ type: 'endOfPartition', channel });
  }

  /** The coordinator completed a checkpoint (every subtask acknowledged it). */
  completeCheckpoint(checkpointId: number): this {
    return this.post({ type: 'notifyCheckpointComplete', checkpointId });
  }

  /** The coordinator aborted a checkpoint (timeout, a decline elsewhere). */
  abortCheckpoint(checkpointId: number): this {
    return this.post({ type: 'notifyCheckpointAborted', checkpointId });
  }

  /** A consumer processed `credits` batches of output channel `channel` (with `manualCredit`). */
  grantCredit(channel: number, credits = 1): this {
    return this.post({ type: 'credit', outputChannel: channel, credits });
  }

  post(message: TaskMessage): this {
    this.mailbox.push(message);
    return this;
  }

  // ---- running

  /** Handles the oldest mailbox message; false when there was none. */
  step(): boolean {
    const message = this.mailbox.shift();
    if (message === undefined) return false;
    this.task.handle(message);
    this.throwIfFailed();
    return true;
  }

  /** Handles mailbox messages until none is left (what the subtask actor does). */
  run(): this {
    while (this.step());
    return this;
  }

  /** Lets the asynchronous part of checkpoints finish (acknowledgements), then runs the mailbox. */
  async settle(): Promise<this> {
    while (this.pendingAsync.length > 0) {
      await Promise.all(this.pendingAsync.splice(0));
      this.run();
    }
    return this.run();
  }

  // ---- observing

  /** Input channels whose messages checkpoint alignment holds back now. */
  blockedChannels(): number[] {
    const blocked: number[] = [];
    for (let channel = 0; channel < this.creditsReturned.length; channel++) if (this.task.isInputChannelBlocked(channel)) blocked.push(channel);
    return blocked;
  }

  /** What output channel `channel` sent since the previous call, as marbles. */
  takeOutput(channel = 0): string[] {
    const messages = this.delivered[channel].slice(this.taken[channel]);
    this.taken[channel] = this.delivered[channel].length;
    return messages.flatMap(marbles);
  }

  /** Everything output channel `channel` sent, as marbles. */
  output(channel = 0): string[] {
    return this.delivered[channel].flatMap(marbles);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}

function marbles(message: ChannelMessage): string[] {
  switch (message.type) {
    case 'records':
      return message.values.map(String);
    case 'barrier':
      return [`|${message.barrier.checkpointId}`];
    case 'watermark':
      return [`wm:${message.watermark}`];
    case 'watermarkStatus':
      return [message.status.toLowerCase()];
    case 'endOfInput':
      return ['end'];
    case 'endOfPartition':
      return ['eop'];
  }
}
