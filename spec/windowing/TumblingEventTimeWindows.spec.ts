import { TumblingEventTimeWindows } from '../../lib/windowing/assigners/TumblingEventTimeWindows';
import { Time } from '../../lib/core/Time';
import { NO_TIMESTAMP } from '../../lib/time/Watermark';
import { TimeWindow } from '../../lib/windowing/windows/TimeWindow';

const assign = (a: TumblingEventTimeWindows, ts: number): string =>
  a
    .assignWindows(null, ts)
    .map((w) => `[${w.start},${w.end})`)
    .join();

describe('TumblingEventTimeWindows', () => {
  it('assigns [start, end) aligned to the epoch', () => {
    const a = TumblingEventTimeWindows.of(Time.seconds(5));
    expect(assign(a, 0)).toBe('[0,5000)');
    expect(assign(a, 4999)).toBe('[0,5000)');
    expect(assign(a, 5000)).toBe('[5000,10000)');
    expect(assign(a, 67_210_000)).toBe('[67210000,67215000)'); // 18:40:10
  });

  it('shifts windows by an offset (Flink: start = ts - (ts - offset + size) % size)', () => {
    const a = TumblingEventTimeWindows.of(Time.seconds(5), Time.seconds(1));
    expect(assign(a, 0)).toBe('[-4000,1000)');
    expect(assign(a, 1000)).toBe('[1000,6000)');
    const hourly = TumblingEventTimeWindows.of(Time.hours(1), Time.minutes(-30));
    expect(assign(hourly, 0)).toBe('[-1800000,1800000)');
  });

  it('keeps Flink formula for negative timestamps down to offset - size, and its flaw below', () => {
    const a = TumblingEventTimeWindows.of(5000);
    expect(assign(a, -1)).toBe('[-5000,0)');
    expect(assign(a, -5000)).toBe('[-5000,0)');
    // Below -size the literal formula is off by one window, in Flink as here.
    expect(TimeWindow.getWindowStartWithOffset(-5001, 0, 5000)).toBe(-5001 - ((-5001 + 5000) % 5000));
  });

  it('has maxTimestamp = end - 1, the EventTimeTrigger by default, and Flink name', () => {
    const a = TumblingEventTimeWindows.of(Time.seconds(5));
    const [w] = a.assignWindows(null, 1234);
    expect(w.maxTimestamp()).toBe(4999);
    expect(a.toString()).toBe('TumblingEventTimeWindows(5000)');
    // Flink's EventTimeTrigger.toString(); operator names use the class name (EventTimeTrigger).
    expect(a.getDefaultTrigger().toString()).toBe('EventTimeTrigger()');
    expect(a.isEventTime()).toBe(true);
  });

  it('rejects |offset| >= size and records without a timestamp', () => {
    expect(() => TumblingEventTimeWindows.of(5000, 5000)).toThrow(/offset/);
    expect(() => TumblingEventTimeWindows.of(5000, -5000)).toThrow(/offset/);
    expect(() => TumblingEventTimeWindows.of(0)).toThrow(/size/);
    expect(() => TumblingEventTimeWindows.of(5000).assignWindows(null, NO_TIMESTAMP)).toThrow(/no timestamp/);
  });
});
