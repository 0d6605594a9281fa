/**
 * Flink's MailboxExecutor: runs an action on the subtask's mailbox, between records, never
 * concurrently with them. Code that learns something in a promise callback (an async request
 * completed) posts the handling here instead of touching operator state from the callback.
 * An action that throws fails the task, as an exception in processElement does.
 */
export interface MailboxExecutor {
  execute(action: () => void, description: string): void;
}
