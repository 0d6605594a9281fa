import { WatermarkStatus } from './WatermarkStatus';

/**
 * What travels on a channel between two subtasks, in order. One message carries a whole batch
 * of records (values and their timestamps side by side); control events travel in-band so that
 * a watermark never overtakes the records before it.
 */
export type ChannelMessage =
  | { readonly type: 'records'; readonly channel: number; readonly values: unknown[]; readonly timestamps: number[] }
  | { readonly type: 'watermark'; readonly channel: number; readonly watermark: number }
  | { readonly type: 'watermarkStatus'; readonly channel: number; readonly status: WatermarkStatus }
  | { readonly type: 'endOfInput'; readonly channel: number };

/** A consumer hands credit back to the producer when it has processed a batch from it. */
export interface CreditMessage {
  readonly type: 'credit';
  /** The producer's output channel (index among all its output channels). */
  readonly outputChannel: number;
  readonly credits: number;
}

/** What a channel carries, minus the channel index the consumer will see. */
export type ChannelEvent =
  | { readonly type: 'records'; readonly values: unknown[]; readonly timestamps: number[] }
  | { readonly type: 'watermark'; readonly watermark: number }
  | { readonly type: 'watermarkStatus'; readonly status: WatermarkStatus }
  | { readonly type: 'endOfInput' };
