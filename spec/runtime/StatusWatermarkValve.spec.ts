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

  // Flink's StatusWatermarkValveTest#testMultipleInputFlushMaxWatermarkAndWatermarkStatusOnceAllInputsBecomeIdle:
  // channels go idle from the highest watermark down, so no minimum rises on the way; only the
  // flush when the last one goes idle brings the output to the maximum.
  it('when the last active channel goes idle, flushes the maximum watermark of all channels, then IDLE', () => {
    const v = new StatusWatermarkValve(3);
    const out = output();
    v.inputWatermark(10, 0, out);
    v.inputWatermark(5, 1, out);
    v.inputWatermark(3, 2, out);
    expect(out.events).toEqual([3]);
    v.inputWatermarkStatus('IDLE', 0, out);
    v.inputWatermarkStatus('IDLE', 1, out);
    expect(out.events).toEqual([3]); // channel 2 (3) still active and holds the minimum
    v.inputWatermarkStatus('IDLE', 2, out);
    expect(out.events).toEqual([3, 10, 'IDLE']);
    expect(v.currentWatermark).toBe(10);
    expect(v.status).toBe('IDLE');
  });

  // Flink's testMultipleInputWatermarkAdvancingAsChannelsIndividuallyBecomeIdle: the same end
  // result whatever the order in which channels go idle.
  it('as channels go idle one by one, the minimum of the remaining active channels goes out', () => {
    const v = new StatusWatermarkValve(3);
    const out = output();
    v.inputWatermark(25, 0, out);
    v.inputWatermark(10, 1, out);
    v.inputWatermark(17, 2, out);
    expect(out.events).toEqual([10]);
    v.inputWatermarkStatus('IDLE', 1, out);
    expect(out.events).toEqual([10, 17]);
    v.inputWatermarkStatus('IDLE', 2, out);
    expect(out.events).toEqual([10, 17, 25]);
    v.inputWatermarkStatus('IDLE', 0, out);
    expect(out.events).toEqual([10, 17, 25, 'IDLE']);
  });

  // Flink's testNoOutputWhenAllActiveChannelsAreUnaligned.
  it('emits nothing when the only active channel is not aligned yet', () => {
    const v = new StatusWatermarkValve(3);
    const out = output();
    v.inputWatermark(10, 0, out);
    v.inputWatermark(7, 1, out);
    v.inputWatermarkStatus('IDLE', 2, out);
    expect(out.events).toEqual([7]);
    v.inputWatermarkStatus('ACTIVE', 2, out); // back, but behind: unaligned
    v.inputWatermarkStatus('IDLE', 0, out);
    v.inputWatermarkStatus('IDLE', 1, out);
    expect(out.events).toEqual([7]);
  });

  it('ignores watermarks from idle channels', () => {
    const v = new StatusWatermarkValve(2);
    const out = output();
    v.inputWatermarkStatus('IDLE', 0, out);
    v.inputWatermark(500, 0, out);
    expect(v.channelWatermarks()[0].watermark).toBe(Number.MIN_SAFE_INTEGER);
  });
});
