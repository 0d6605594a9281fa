import { ChannelMessage, CreditMessage } from './ChannelMessage';

/** What a subtask's mailbox receives while it runs: data, credit, and its own wake-ups. */
export type TaskMessage =
  | ChannelMessage
  | CreditMessage
  | { readonly type: 'poll' }
  | { readonly type: 'processingTimer'; readonly timerId: number }
  | { readonly type: 'flushBuffers' }
  | { readonly type: 'readerFailed'; readonly error: Error };
