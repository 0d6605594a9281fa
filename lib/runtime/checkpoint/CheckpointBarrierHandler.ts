import { ChannelMessage } from '../ChannelMessage';
import { CheckpointBarrier, CheckpointingMode } from './CheckpointBarrier';

/** What a barrier handler asks of its task. */
export interface BarrierHandlerTarget {
  /** Barrier n is complete on every input: snapshot now, then pass the barrier on. */
  triggerCheckpointOnBarrier(barrier: CheckpointBarrier, alignmentDurationMs: number): void;
  /** Checkpoint n will not complete here (a newer barrier overtook it, or it was cancelled). */
  abortCheckpointOnBarrier(checkpointId: number): void;
  /** Messages held back during alignment, in channel order, to be processed next. */
  releaseHeldMessages(messages: ChannelMessage[]): void;
}

/**
 * The input side of checkpointing in a task with input channels (Flink's
 * CheckpointBarrierHandler). Channels whose producer finished (endOfPartition) send no more
 * barriers and are left out.
 */
export interface CheckpointBarrierHandler {
  /** True while messages of `channel` must be held back (exactly-once alignment). */
  isBlocked(channel: number): boolean;
  /** Holds a message of a blocked channel until alignment ends. */
  hold(message: ChannelMessage): void;
  processBarrier(barrier: CheckpointBarrier, channel: number): void;
  processEndOfPartition(channel: number): void;
  /** The coordinator aborted checkpoint n (timeout, or a subtask declined). */
  processCancellation(checkpointId: number): void;
}

export function createBarrierHandler(
  mode: CheckpointingMode,
  numberOfChannels: number,
  target: BarrierHandlerTarget,
  now: () => number,
): CheckpointBarrierHandler {
  return mode === 'EXACTLY_ONCE' ? new CheckpointBarrierAligner(numberOfChannels, target, now) : new CheckpointBarrierTracker(numberOfChannels, target, now);
}

/**
 * Exactly once (Flink's aligned SingleCheckpointBarrierHandler): once barrier n arrived on a
 * channel, that channel's later messages are held back until barrier n arrived on every open
 * channel; then the task snapshots, forwards the barrier and processes what it held, in order.
 * A barrier of a newer checkpoint aborts the alignment of an older one.
 */
export class CheckpointBarrierAligner implements CheckpointBarrierHandler {
  private readonly blocked: boolean[];
  private readonly closed = new ClosedChannels();
  private readonly held: ChannelMessage[][];
  private openChannels: number;
  private currentCheckpointId = 0;
  private barriersReceived = 0;
  private alignmentStart = 0;
  private pending: CheckpointBarrier | undefined;
  /**
   * Checkpoints the coordinator cancelled before their barrier got here: their barriers are
   * ignored. (Cancelling checkpoint n must not make an older barrier still on its way stale.)
   */
  private readonly cancelled = new Set<number>();

  constructor(
    numberOfChannels: number,
    private readonly target: BarrierHandlerTarget,
    private readonly now: () => number,
  ) {
    this.blocked = new Array<boolean>(numberOfChannels).fill(false);
    this.held = Array.from({ length: numberOfChannels }, () => []);
    this.openChannels = numberOfChannels;
  }

  isBlocked(channel: number): boolean {
    return this.blocked[channel];
  }

  hold(message: ChannelMessage): void {
    this.held[message.channel].push(message);
  }

  processBarrier(barrier: CheckpointBarrier, channel: number): void {
    const id = barrier.checkpointId;
    if (this.cancelled.has(id)) return;
    if (id < this.currentCheckpointId || (id === this.currentCheckpointId && !this.pending)) return; // stale
    if (id > this.currentCheckpointId) {
      if (this.pending) this.abortAlignment();
      this.currentCheckpointId = id;
      for (const c of this.cancelled) if (c < id) this.cancelled.delete(c);
      this.pending = barrier;
      this.barriersReceived = 0;
      this.alignmentStart = this.now();
    }
    if (this.blocked[channel]) throw new Error(`barrier ${id} arrived twice on input channel ${channel}`);
    this.blocked[channel] = true;
    this.barriersReceived++;
    this.checkAligned();
  }

  processEndOfPartition(channel: number): void {
    this.closed.close(channel);
    this.openChannels--;
    // A blocked channel's endOfPartition is held back, so a closing channel is never blocked here.
    this.checkAligned();
  }

  processCancellation(checkpointId: number): void {
    // An id at or below the current one is stale in processBarrier anyway: remembering it too
    // changes nothing, and the next newer barrier forgets it.
    if (this.pending && checkpointId === this.currentCheckpointId) this.abortAlignment();
    else this.cancelled.add(checkpointId);
  }

  private checkAligned(): void {
    if (!this.pending || this.barriersReceived < this.openChannels) return;
    const barrier = this.pending;
    this.pending = undefined;
    this.target.triggerCheckpointOnBarrier(barrier, this.now() - this.alignmentStart);
    this.unblockAll();
  }

  private abortAlignment(): void {
    const id = this.pending!.checkpointId;
    this.pending = undefined;
    this.target.abortCheckpointOnBarrier(id);
    this.unblockAll();
  }

  private unblockAll(): void {
    this.blocked.fill(false);
    const released = this.held.flat();
    for (const messages of this.held) messages.length = 0;
    this.barriersReceived = 0;
    this.target.releaseHeldMessages(released);
  }
}

/**
 * At least once (Flink's CheckpointBarrierTracker): nothing is held back; the task snapshots
 * when barrier n arrived on every open channel. Records that overtook a barrier on one channel
 * are then in the snapshot and replayed after a restore: counted twice, never lost.
 */
export class CheckpointBarrierTracker implements CheckpointBarrierHandler {
  private readonly closed = new ClosedChannels();
  private openChannels: number;
  /** Per pending checkpoint (ascending ids): its barrier, the channels seen, when it started. */
  private readonly pendingCheckpoints: Array<{ barrier: CheckpointBarrier; seen: Set<number>; start: number }> = [];
  private latestTriggered = 0;
  private readonly cancelled = new Set<number>();

  constructor(
    numberOfChannels: number,
    private readonly target: BarrierHandlerTarget,
    private readonly now: () => number,
  ) {
    this.openChannels = numberOfChannels;
  }

  isBlocked(): boolean {
    return false;
  }

  hold(): void {
    throw new Error('the at-least-once barrier tracker holds nothing back');
  }

  processBarrier(barrier: CheckpointBarrier, channel: number): void {
    const id = barrier.checkpointId;
    if (id <= this.latestTriggered || this.cancelled.has(id)) return;
    let entry = this.pendingCheckpoints.find((p) => p.barrier.checkpointId === id);
    if (!entry) {
      entry = { barrier, seen: new Set(), start: this.now() };
      this.pendingCheckpoints.push(entry);
      this.pendingCheckpoints.sort((a, b) => a.barrier.checkpointId - b.barrier.checkpointId);
    }
    entry.seen.add(channel);
    this.checkComplete();
  }

  processEndOfPartition(channel: number): void {
    this.closed.close(channel);
    this.openChannels--;
    this.checkComplete();
  }

  processCancellation(checkpointId: number): void {
    // Remembered even when pending here: its barriers still on their way must not start it anew.
    // (An id at or below the last one triggered is stale in processBarrier anyway, and forgotten
    // at the next trigger.)
    this.cancelled.add(checkpointId);
    const i = this.pendingCheckpoints.findIndex((p) => p.barrier.checkpointId === checkpointId);
    if (i < 0) return;
    this.pendingCheckpoints.splice(i, 1);
    this.target.abortCheckpointOnBarrier(checkpointId);
  }

  private checkComplete(): void {
    for (let i = this.pendingCheckpoints.length - 1; i >= 0; i--) {
      const p = this.pendingCheckpoints[i];
      let count = 0;
      for (const c of p.seen) if (!this.closed.has(c)) count++;
      if (count < this.openChannels) continue;
      // The newest complete checkpoint wins; older pending ones can no longer complete here.
      const older = this.pendingCheckpoints.splice(0, i + 1);
      for (const o of older.slice(0, -1)) this.target.abortCheckpointOnBarrier(o.barrier.checkpointId);
      this.latestTriggered = p.barrier.checkpointId;
      for (const c of this.cancelled) if (c <= this.latestTriggered) this.cancelled.delete(c);
      this.target.triggerCheckpointOnBarrier(p.barrier, this.now() - p.start);
      return;
    }
  }
}

/**
 * The input channels whose producer finished. A channel delivers its endOfPartition once
 * (StreamInputProcessor passes on each message once); a second would count a channel out twice,
 * so it is refused rather than ignored.
 */
class ClosedChannels {
  private readonly channels = new Set<number>();

  close(channel: number): void {
    if (this.channels.has(channel)) throw new Error(`endOfPartition arrived twice on input channel ${channel}`);
    this.channels.add(channel);
  }

  has(channel: number): boolean {
    return this.channels.has(channel);
  }
}
