import { ChannelMessage } from '../../lib/runtime/ChannelMessage';
import { OutputChannel, OutputChannelListener } from '../../lib/runtime/OutputChannel';

/** What the consumer received, as marbles: record values, `wm:t`, `|n` barrier n, `idle`, `end`, `eop`. */
function consumer() {
  const received: string[] = [];
  const deliver = (m: ChannelMessage): void => {
    switch (m.type) {
      case 'records':
        received.push(m.values.join(' '));
        break;
      case 'watermark':
        received.push(`wm:${m.watermark}`);
        break;
      case 'watermarkStatus':
        received.push(m.status.toLowerCase());
        break;
      case 'barrier':
        received.push(`|${m.barrier.checkpointId}`);
        break;
      case 'endOfInput':
        received.push('end');
        break;
      case 'endOfPartition':
        received.push('eop');
        break;
    }
  };
  return { received, deliver };
}

function listener(): OutputChannelListener & { blocked: boolean } {
  const l = {
    blocked: false,
    onBlocked: () => void (l.blocked = true),
    onUnblocked: () => void (l.blocked = false),
    onBufferStarted: () => undefined,
  };
  return l;
}

const barrier = (checkpointId: number) => ({ checkpointId, timestamp: 0, kind: 'CHECKPOINT' as const, location: undefined });

describe('OutputChannel', () => {
  it('control events (watermark, status, barrier, end of input) never overtake records queued before them', () => {
    const c = consumer();
    const l = listener();
    // One credit, batches of two records.
    const ch = new OutputChannel(0, 0, c.deliver, 1, 2, l);
    ch.add('r1', 0);
    ch.add('r2', 0); // full: sent with the one credit
    ch.add('r3', 0);
    ch.add('r4', 0); // full: no credit, queued
    expect(l.blocked).toBe(true);
    ch.sendWatermark(5);
    ch.sendWatermarkStatus('IDLE');
    ch.sendBarrier(barrier(1)); // needs no credit, but waits behind r3 r4
    ch.add('r5', 0);
    ch.sendEndOfInput(); // flushes r5 (no credit: queued), then end of input behind it
    ch.sendEndOfPartition();
    expect(c.received).toEqual(['r1 r2']);

    ch.addCredit(1); // r3 r4 go, then the events behind them, up to the next batch
    expect(c.received).toEqual(['r1 r2', 'r3 r4', 'wm:5', 'idle', '|1']);
    expect(l.blocked).toBe(true);

    ch.addCredit(1);
    expect(c.received).toEqual(['r1 r2', 'r3 r4', 'wm:5', 'idle', '|1', 'r5', 'end', 'eop']);
    expect(l.blocked).toBe(false);
  });

  it('with credit, events follow the buffered records at once', () => {
    const c = consumer();
    const ch = new OutputChannel(0, 0, c.deliver, 4, 10, listener());
    ch.add('r1', 0);
    ch.sendBarrier(barrier(7));
    ch.add('r2', 0);
    ch.sendWatermark(9);
    expect(c.received).toEqual(['r1', '|7', 'r2', 'wm:9']);
  });
});
