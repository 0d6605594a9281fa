import { StatusWatermarkValve, ValveOutput } from '../../lib/runtime/StatusWatermarkValve';
import { WatermarkStatus } from '../../lib/runtime/WatermarkStatus';

function output(): ValveOutput & { events: Array<number | WatermarkStatus> } {
  const events: Array<number | WatermarkStatus> = [];
  return { events, emitWatermark: (w) => void events.push(w), emitWatermarkStatus: (s) => void events.push(s) };
}

describe('StatusWatermarkValve', () => {
  it('emits the minimum over channels, only when it rises', () => {
    const v = new StatusWatermarkValve(3);
    const out = output();
    v.inputWatermark(10, 0, out);
    v.inputWatermark(20, 1, out);
    expect(out.events).toEqual([]);
    v.inputWatermark(5, 2, out);
    expect(out.events).toEqual([5]);
    v.inputWatermark(30, 2, out);
    expect(out.events).toEqual([5, 10]);
    v.inputWatermark(8, 0, out); // a channel's watermark never goes back
    expect(v.channelWatermarks()[0].watermark).toBe(10);
    expect(out.events).toEqual([5, 10]);
  });

  it('leaves idle channels out of the minimum, so a quiet channel does not hold the watermark back', () => {
    const v = new StatusWatermarkValve(2);
    const out = output();
    v.inputWatermark(100, 0, out);
    expect(out.events).toEqual([]);
    v.inputWatermarkStatus('IDLE', 1, out);
    expect(out.events).toEqual([100]);
    v.inputWatermark(200, 0, out);
    expect(out.events).toEqual([100, 200]);
  });

  it('when every channel goes idle, flushes the maximum and goes idle; a channel coming back makes it active', () => {
    const v = new StatusWatermarkValve(2);
    const out = output();
    v.inputWatermark(100, 0, out);
    v.inputWatermark(50, 1, out);
    expect(out.events).toEqual([50]);
    v.inputWatermarkStatus('IDLE', 1, out); // min over the remaining active channel
    v.inputWatermarkStatus('IDLE', 0, out); // all idle: max, then IDLE
    expect(out.events).toEqual([50, 100, 'IDLE']);
    v.inputWatermarkStatus('ACTIVE', 1, out);
    expect(out.events).toEqual([50, 100, 'IDLE', 'ACTIVE']);
    expect(v.status).toBe('ACTIVE');
    // Channel 1 is behind (50 < 100): not aligned until it catches up.
    v.inputWatermark(80, 1, out);
    expect(out.events).toHaveLength(4);
    v.inputWatermark(120, 1, out);
    expect(out.events).toEqual([50, 100, 'IDLE', 'ACTIVE', 120]);
  });

  it('ignores watermarks from idle channels', () => {
    const v = new StatusWatermarkValve(2);
    const out = output();
    v.inputWatermarkStatus('IDLE', 0, out);
    v.inputWatermark(500, 0, out);
    expect(v.channelWatermarks()[0].watermark).toBe(Number.MIN_SAFE_INTEGER);
  });
});
