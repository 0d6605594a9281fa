import { CheckpointBarrier } from './checkpoint/CheckpointBarrier';
import { WatermarkStatus } from './WatermarkStatus';

/**
 * What travels on a channel between two subtasks, in order. One message carries a whole batch
 * of records (values and their timestamps side by side); control events travel in-band so that
 * a watermark never overtakes the records before it. Timestamps are an array, or a
 * Float64Array when the batch came from a TaskManager on another thread.
 */
export type ChannelMessage =
  | { readonly type: 'records'; readonly channel: number; readonly values: unknown[]; readonly timestamps: ArrayLike<number> }
  | { readonly type: 'watermark'; readonly channel: number; readonly watermark: number }
  | { readonly type: 'watermarkStatus'; readonly channel: number; readonly status: WatermarkStatus }
  | { readonly type: 'endOfInput'; readonly channel: number }
  | { readonly type: 'barrier'; readonly channel: number; readonly barrier: CheckpointBarrier }
  /**
   * The producer finished (Flink's EndOfPartition): nothing, not even a barrier, follows. Sent
   * only when checkpointing is on, where a producer keeps passing barriers after its end of input
   * until a final checkpoint completed.
   */
  | { readonly type: 'endOfPartition'; readonly channel: number };

/** A consumer hands credit back to the producer when it has processed a batch from it. */
export interface CreditMessage {
  readonly type: 'credit';
  /** The producer's output channel (index among all its output channels). */
  readonly outputChannel: number;
  readonly credits: number;
}

/** What a channel carries, minus the channel index the consumer will see. */
export type ChannelEvent =
  | { readonly type: 'records'; readonly values: unknown[]; readonly timestamps: ArrayLike<number> }
  | { readonly type: 'watermark'; readonly watermark: number }
  | { readonly type: 'watermarkStatus'; readonly status: WatermarkStatus }
  | { readonly type: 'endOfInput' }
  | { readonly type: 'barrier'; readonly barrier: CheckpointBarrier }
  | { readonly type: 'endOfPartition' };
