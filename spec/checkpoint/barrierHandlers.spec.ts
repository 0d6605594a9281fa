import { ChannelMessage } from '../../lib/runtime/ChannelMessage';
import { CheckpointBarrier } from '../../lib/runtime/checkpoint/CheckpointBarrier';
import { BarrierHandlerTarget, createBarrierHandler } from '../../lib/runtime/checkpoint/CheckpointBarrierHandler';

const barrier = (checkpointId: number): CheckpointBarrier => ({ checkpointId, timestamp: 0, kind: 'CHECKPOINT', location: undefined });
const records = (channel: number, ...values: number[]): ChannelMessage => ({ type: 'records', channel, values, timestamps: values.map(() => 0) });

function recordingTarget(): BarrierHandlerTarget & { log: string[]; released: ChannelMessage[] } {
  const log: string[] = [];
  const released: ChannelMessage[] = [];
  return {
    log,
    released,
    triggerCheckpointOnBarrier: (b, alignment) => void log.push(`snapshot ${b.checkpointId} after ${alignment} ms`),
    abortCheckpointOnBarrier: (id) => void log.push(`abort ${id}`),
    releaseHeldMessages: (m) => void released.push(...m),
  };
}

describe('barrier handling at a task with several inputs', () => {
  it('exactly once: holds back a channel whose barrier arrived until every channel delivered it', () => {
    let now = 1000;
    const t = recordingTarget();
    const h = createBarrierHandler('EXACTLY_ONCE', 3, t, () => now);
    h.processBarrier(barrier(1), 0);
    expect([h.isBlocked(0), h.isBlocked(1), h.isBlocked(2)]).toEqual([true, false, false]);
    h.hold(records(0, 1, 2)); // after the barrier on channel 0: belongs to checkpoint 2
    now = 1040;
    h.processBarrier(barrier(1), 2);
    h.hold(records(2, 3));
    expect(t.log).toEqual([]);
    now = 1100;
    h.processBarrier(barrier(1), 1);
    expect(t.log).toEqual(['snapshot 1 after 100 ms']);
    // The held records come back in channel order, after the snapshot.
    expect(t.released).toEqual([records(0, 1, 2), records(2, 3)]);
    expect([h.isBlocked(0), h.isBlocked(1), h.isBlocked(2)]).toEqual([false, false, false]);
  });

  it('exactly once: a newer barrier abandons the alignment of an older checkpoint', () => {
    const t = recordingTarget();
    const h = createBarrierHandler('EXACTLY_ONCE', 2, t, () => 0);
    h.processBarrier(barrier(1), 0);
    h.processBarrier(barrier(2), 1);
    expect(t.log).toEqual(['abort 1']);
    h.processBarrier(barrier(1), 1); // stale
    h.processBarrier(barrier(2), 0);
    expect(t.log).toEqual(['abort 1', 'snapshot 2 after 0 ms']);
  });

  it('exactly once: a finished producer (endOfPartition) no longer counts, and a cancelled checkpoint releases its channels', () => {
    const t = recordingTarget();
    const h = createBarrierHandler('EXACTLY_ONCE', 2, t, () => 0);
    h.processBarrier(barrier(1), 0);
    h.processEndOfPartition(1);
    expect(t.log).toEqual(['snapshot 1 after 0 ms']);
    const t2 = recordingTarget();
    const h2 = createBarrierHandler('EXACTLY_ONCE', 2, t2, () => 0);
    h2.processBarrier(barrier(5), 1);
    h2.hold(records(1, 9));
    h2.processCancellation(5);
    expect(t2.log).toEqual(['abort 5']);
    expect(t2.released).toEqual([records(1, 9)]);
    expect(h2.isBlocked(1)).toBe(false);
    h2.processBarrier(barrier(5), 0); // late barrier of the cancelled checkpoint: ignored
    expect(h2.isBlocked(0)).toBe(false);
  });

  it('a cancelled newer checkpoint does not make an older barrier still on its way stale', () => {
    for (const mode of ['EXACTLY_ONCE', 'AT_LEAST_ONCE'] as const) {
      const t = recordingTarget();
      const h = createBarrierHandler(mode, 2, t, () => 0);
      h.processCancellation(8); // checkpoint 8 was aborted before its barrier arrived here
      h.processBarrier(barrier(7), 0); // a savepoint triggered earlier
      h.processBarrier(barrier(8), 0);
      h.processBarrier(barrier(7), 1);
      h.processBarrier(barrier(8), 1);
      expect(t.log).toEqual(['snapshot 7 after 0 ms']);
    }
  });

  it('at least once: blocks nothing and snapshots when the last channel delivered the barrier', () => {
    const t = recordingTarget();
    const h = createBarrierHandler('AT_LEAST_ONCE', 2, t, () => 0);
    h.processBarrier(barrier(1), 0);
    expect(h.isBlocked(0)).toBe(false);
    expect(t.log).toEqual([]);
    h.processBarrier(barrier(1), 1);
    expect(t.log).toEqual(['snapshot 1 after 0 ms']);
    // A newer checkpoint completing first makes the older one impossible here.
    h.processBarrier(barrier(2), 0);
    h.processBarrier(barrier(3), 0);
    h.processBarrier(barrier(3), 1);
    expect(t.log).toEqual(['snapshot 1 after 0 ms', 'abort 2', 'snapshot 3 after 0 ms']);
  });

  it('exactly once: a barrier arriving twice on one channel is an error, never taken for the barrier of another channel', () => {
    const t = recordingTarget();
    const h = createBarrierHandler('EXACTLY_ONCE', 2, t, () => 0);
    h.processBarrier(barrier(1), 0);
    expect(() => h.processBarrier(barrier(1), 0)).toThrow('barrier 1 arrived twice on input channel 0');
    expect(t.log).toEqual([]);
  });

  it('at least once: a channel that closed after its barrier no longer counts, so the snapshot waits for the barrier of every open channel', () => {
    const t = recordingTarget();
    const h = createBarrierHandler('AT_LEAST_ONCE', 3, t, () => 0);
    h.processBarrier(barrier(1), 0);
    h.processEndOfPartition(0);
    h.processBarrier(barrier(1), 1);
    // Channel 2 is open and has not delivered barrier 1: its records before the barrier are not in yet.
    expect(t.log).toEqual([]);
    h.processBarrier(barrier(1), 2);
    expect(t.log).toEqual(['snapshot 1 after 0 ms']);
  });

  it('at least once: the alignment time runs from the first barrier of the checkpoint to the last', () => {
    let now = 5000;
    const t = recordingTarget();
    const h = createBarrierHandler('AT_LEAST_ONCE', 2, t, () => now);
    h.processBarrier(barrier(1), 0);
    now = 5030;
    h.processBarrier(barrier(1), 1);
    expect(t.log).toEqual(['snapshot 1 after 30 ms']);
  });

  it('at least once: a newer checkpoint completing aborts an older one whose first barrier came later', () => {
    const t = recordingTarget();
    const h = createBarrierHandler('AT_LEAST_ONCE', 2, t, () => 0);
    h.processBarrier(barrier(3), 0); // channel 0 never saw checkpoint 2 (its source had not joined it)
    h.processBarrier(barrier(2), 1);
    h.processBarrier(barrier(3), 1);
    // Checkpoint 2 cannot complete here any more: the task says so at once rather than at its timeout.
    expect(t.log).toEqual(['abort 2', 'snapshot 3 after 0 ms']);
  });

  it('exactly once: a cancellation of another checkpoint leaves the alignment in progress alone, and one of a checkpoint already taken changes nothing', () => {
    const t = recordingTarget();
    const h = createBarrierHandler('EXACTLY_ONCE', 2, t, () => 0);
    h.processBarrier(barrier(1), 0);
    h.processCancellation(2); // checkpoint 2 was aborted before its barrier got here
    expect(h.isBlocked(0)).toBe(true);
    h.processBarrier(barrier(1), 1);
    expect(t.log).toEqual(['snapshot 1 after 0 ms']);
    // Another subtask declined checkpoint 1 after this one took it: nothing is left to abort here.
    h.processCancellation(1);
    expect(t.log).toEqual(['snapshot 1 after 0 ms']);
  });

  it('exactly once: what an alignment held back is released once, not again by the next alignment', () => {
    const t = recordingTarget();
    const h = createBarrierHandler('EXACTLY_ONCE', 2, t, () => 0);
    h.processBarrier(barrier(1), 0);
    h.hold(records(0, 1));
    h.processBarrier(barrier(1), 1);
    expect(t.released).toEqual([records(0, 1)]);
    h.processBarrier(barrier(2), 1);
    h.hold(records(1, 2));
    h.processBarrier(barrier(2), 0);
    expect(t.released).toEqual([records(0, 1), records(1, 2)]);
  });

  it('at least once: a finished producer (endOfPartition) no longer counts', () => {
    const t = recordingTarget();
    const h = createBarrierHandler('AT_LEAST_ONCE', 2, t, () => 0);
    h.processBarrier(barrier(1), 0);
    h.processEndOfPartition(1);
    expect(t.log).toEqual(['snapshot 1 after 0 ms']);
  });

  it('at least once: a cancelled pending checkpoint is aborted at once; a cancelled later one stays ignored after an earlier one completes', () => {
    const t = recordingTarget();
    const h = createBarrierHandler('AT_LEAST_ONCE', 2, t, () => 0);
    h.processBarrier(barrier(1), 0);
    h.processCancellation(1);
    expect(t.log).toEqual(['abort 1']);
    h.processCancellation(5); // aborted before its barrier got here
    h.processBarrier(barrier(3), 0);
    h.processBarrier(barrier(3), 1);
    h.processBarrier(barrier(5), 0);
    h.processBarrier(barrier(5), 1);
    expect(t.log).toEqual(['abort 1', 'snapshot 3 after 0 ms']);
  });

  it('at least once: the late barriers of a cancelled pending checkpoint are ignored, it is neither taken nor aborted again', () => {
    const t = recordingTarget();
    const h = createBarrierHandler('AT_LEAST_ONCE', 2, t, () => 0);
    h.processBarrier(barrier(1), 0);
    h.processCancellation(1);
    h.processBarrier(barrier(1), 1); // on its way when the cancellation came
    h.processEndOfPartition(0); // only channel 1 counts now, and it delivered barrier 1
    expect(t.log).toEqual(['abort 1']);
    h.processBarrier(barrier(2), 1);
    expect(t.log).toEqual(['abort 1', 'snapshot 2 after 0 ms']);
  });

  it('at least once: a cancellation of a checkpoint not pending here leaves the pending one alone', () => {
    const t = recordingTarget();
    const h = createBarrierHandler('AT_LEAST_ONCE', 2, t, () => 0);
    h.processBarrier(barrier(1), 0);
    h.processCancellation(5);
    h.processBarrier(barrier(1), 1);
    expect(t.log).toEqual(['snapshot 1 after 0 ms']);
  });
  it.each(['EXACTLY_ONCE', 'AT_LEAST_ONCE'] as const)(
    '%s: a second endOfPartition on a channel is refused rather than counting the channel out twice',
    (mode) => {
      const t = recordingTarget();
      const h = createBarrierHandler(mode, 3, t, () => 0);
      h.processEndOfPartition(1);
      expect(() => h.processEndOfPartition(1)).toThrow('endOfPartition arrived twice on input channel 1');
      h.processEndOfPartition(2);
      h.processBarrier(barrier(1), 0);
      expect(t.log).toEqual(['snapshot 1 after 0 ms']);
    },
  );

  it('at least once: the tracker refuses to hold a message back (it never blocks a channel)', () => {
    const h = createBarrierHandler('AT_LEAST_ONCE', 2, recordingTarget(), () => 0);
    expect(h.isBlocked(0)).toBe(false);
    expect(() => h.hold(records(0, 1))).toThrow('the at-least-once barrier tracker holds nothing back');
  });
});
