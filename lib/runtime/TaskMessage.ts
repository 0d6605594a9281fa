import { ChannelMessage, CreditMessage } from './ChannelMessage';
import { CheckpointBarrier } from './checkpoint/CheckpointBarrier';

/** What a subtask's mailbox receives while it runs: data, credit, checkpoint control, and its own wake-ups. */
export type TaskMessage =
  | ChannelMessage
  | CreditMessage
  | { readonly type: 'poll' }
  | { readonly type: 'processingTimer'; readonly timerId: number }
  | { readonly type: 'flushBuffers' }
  | { readonly type: 'readerFailed'; readonly error: Error }
  /** From the checkpoint coordinator, to source subtasks: inject this barrier. */
  | { readonly type: 'triggerCheckpoint'; readonly barrier: CheckpointBarrier }
  /** From the checkpoint coordinator, to every subtask. */
  | { readonly type: 'notifyCheckpointComplete'; readonly checkpointId: number }
  | { readonly type: 'notifyCheckpointAborted'; readonly checkpointId: number }
  /** The task's own: a piece of tracked async work completed (or failed). */
  | { readonly type: 'asyncDone' }
  /** The task's own: an operator's hold on input was released (see OperatorContext.holdInputUntil). */
  | { readonly type: 'inputReleased' }
  | { readonly type: 'asyncFailed'; readonly error: Error }
  /** The task's own: an operator's action run on the mailbox (MailboxExecutor), e.g. an async I/O completion. */
  | { readonly type: 'mail'; readonly action: () => void; readonly description: string };
