import { CoordinationStore, Operation } from './CoordinationStore';
import { FencedError } from './FencedError';
import { Fence } from './FencingToken';

/**
 * Applies `operations` only while `fence` holds (its key exists and was created at its token),
 * in one transaction, so a deposed leader's or an expired TaskManager's write cannot land even
 * if it raced with the takeover. Throws {@link FencedError} when the fence no longer holds.
 */
export async function fencedTransaction(store: CoordinationStore, fence: Fence, operations: readonly Operation[], action: string): Promise<void> {
  const applied = await store.transaction([{ key: fence.key, createRevision: fence.token }], operations);
  if (!applied) throw new FencedError(fence, action);
}

/**
 * Throws {@link FencedError} unless `fence` holds now. For effects outside the coordination
 * store (a 2PC sink's commit): call it just before committing. It narrows the window in which a
 * deposed holder acts to the commit itself; the external system must still tolerate a commit
 * replayed by the new holder (idempotent commits), as Flink's two-phase commit sinks do.
 */
export async function checkFence(store: CoordinationStore, fence: Fence, action: string): Promise<void> {
  await fencedTransaction(store, fence, [], action);
}
