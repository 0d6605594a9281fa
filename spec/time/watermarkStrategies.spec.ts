import { TimestampsAndWatermarksOperator } from '../../lib/runtime/operators/TimestampsAndWatermarksOperator';
import { BoundedOutOfOrdernessWatermarks } from '../../lib/time/BoundedOutOfOrdernessWatermarks';
import { ManualClock } from '../../lib/time/ManualClock';
import { Time } from '../../lib/core/Time';
import { MAX_WATERMARK, MIN_WATERMARK } from '../../lib/time/Watermark';
import { WatermarkOutput } from '../../lib/time/WatermarkGenerator';
import { WatermarkStrategy } from '../../lib/time/WatermarkStrategy';
import { OperatorHarness } from '../harness/OperatorHarness';

function recordingOutput(): WatermarkOutput & { events: Array<number | 'IDLE' | 'ACTIVE'> } {
  const events: Array<number | 'IDLE' | 'ACTIVE'> = [];
  return {
    events,
    emitWatermark: (w) => void events.push(w),
    markIdle: () => void events.push('IDLE'),
    markActive: () => void events.push('ACTIVE'),
  };
}

describe('watermark generators (Flink formulas)', () => {
  it('bounded out-of-orderness: watermark = max seen - bound - 1', () => {
    const g = new BoundedOutOfOrdernessWatermarks<string>(2000);
    const out = recordingOutput();
    g.onPeriodicEmit(out);
    expect(out.events).toEqual([MIN_WATERMARK]);
    g.onEvent('x', 10_000, out);
    g.onEvent('y', 9_000, out);
    g.onPeriodicEmit(out);
    expect(out.events[1]).toBe(10_000 - 2000 - 1);
  });

  it('monotonous timestamps: watermark = max seen - 1', () => {
    const g = WatermarkStrategy.forMonotonousTimestamps<number>().createWatermarkGenerator({ clock: new ManualClock() });
    const out = recordingOutput();
    g.onEvent(1, 5000, out);
    g.onPeriodicEmit(out);
    expect(out.events).toEqual([4999]);
  });

  it('idleness: marks idle once no element arrived for longer than the timeout; an element alone never marks active (Flink)', () => {
    const clock = new ManualClock(0);
    const g = WatermarkStrategy.forMonotonousTimestamps<number>().withIdleness(Time.seconds(1)).createWatermarkGenerator({ clock });
    const out = recordingOutput();
    g.onEvent(1, 100, out);
    g.onPeriodicEmit(out); // activity seen since last check
    clock.advance(200);
    g.onPeriodicEmit(out); // inactivity starts now
    clock.advance(1000);
    g.onPeriodicEmit(out); // exactly the timeout: not yet idle (Flink: > timeout)
    clock.advance(200);
    g.onPeriodicEmit(out); // idle
    g.onPeriodicEmit(out); // stays idle, no repeat
    g.onEvent(2, 300, out); // activity: the next periodic emit delegates again, but no markActive here
    g.onPeriodicEmit(out);
    // Becoming active is the operator's emitter's job, when a higher watermark goes out.
    expect(out.events).toEqual([99, 99, 99, 'IDLE', 299]);
  });

  it('idleness: after activity, a second idle spell marks idle again', () => {
    const clock = new ManualClock(0);
    const g = WatermarkStrategy.forMonotonousTimestamps<number>().withIdleness(Time.seconds(1)).createWatermarkGenerator({ clock });
    const out = recordingOutput();
    g.onPeriodicEmit(out); // inactivity starts
    clock.advance(1001);
    g.onPeriodicEmit(out); // idle
    g.onEvent(1, 100, out);
    g.onPeriodicEmit(out); // activity seen
    g.onPeriodicEmit(out); // inactivity starts
    clock.advance(1001);
    g.onPeriodicEmit(out); // idle again
    expect(out.events).toEqual([MIN_WATERMARK, 'IDLE', 99, 99, 'IDLE']);
  });
});

describe('TimestampsAndWatermarksOperator', () => {
  const strategy = WatermarkStrategy.forBoundedOutOfOrderness<{ t: number }>(Time.milliseconds(500)).withTimestampAssigner((e) => e.t);

  it('stamps elements and emits rising watermarks every autoWatermarkInterval of processing time', () => {
    const h = new OperatorHarness(new TimestampsAndWatermarksOperator(strategy), { autoWatermarkInterval: 200 }).open();
    h.element({ t: 1000 }).element({ t: 3000 }).element({ t: 2000 });
    expect(h.records().map((r) => r.timestamp)).toEqual([1000, 3000, 2000]);
    expect(h.watermarks()).toEqual([]);
    h.advanceProcessingTime(199);
    expect(h.watermarks()).toEqual([]);
    h.advanceProcessingTime(1);
    expect(h.watermarks()).toEqual([2499]);
    h.advanceProcessingTime(400); // no new element: the same watermark is not emitted again
    expect(h.watermarks()).toEqual([2499]);
    h.element({ t: 4000 });
    h.advanceProcessingTime(200);
    expect(h.watermarks()).toEqual([2499, 3499]);
  });

  it('ignores upstream watermarks except the final MAX one', () => {
    const h = new OperatorHarness(new TimestampsAndWatermarksOperator(strategy), { autoWatermarkInterval: 200 }).open();
    h.watermark(10_000);
    expect(h.watermarks()).toEqual([]);
    h.watermark(MAX_WATERMARK);
    expect(h.watermarks()).toEqual([MAX_WATERMARK]);
  });

  it('emits a last periodic watermark at end of input', () => {
    const h = new OperatorHarness(new TimestampsAndWatermarksOperator(strategy), { autoWatermarkInterval: 200 }).open();
    h.element({ t: 5000 }).endInput();
    expect(h.watermarks()).toEqual([4499]);
  });

  it('marks the stream idle, and active again only when a higher watermark goes out (Flink)', () => {
    const idle = WatermarkStrategy.forMonotonousTimestamps<{ t: number }>()
      .withTimestampAssigner((e) => e.t)
      .withIdleness(500);
    const h = new OperatorHarness(new TimestampsAndWatermarksOperator(idle), { autoWatermarkInterval: 200 }).open();
    h.element({ t: 100 });
    h.advanceProcessingTime(1200);
    h.element({ t: 200 });
    // The element goes out while the stream is still idle: no ACTIVE before it.
    expect(h.events.slice(-2)).toEqual([
      { kind: 'status', status: 'IDLE' },
      { kind: 'record', value: { t: 200 }, timestamp: 200 },
    ]);
    h.advanceProcessingTime(200);
    expect(h.events.filter((e) => e.kind !== 'record')).toEqual([
      { kind: 'watermark', watermark: 99 },
      { kind: 'status', status: 'IDLE' },
      { kind: 'status', status: 'ACTIVE' },
      { kind: 'watermark', watermark: 199 },
    ]);
  });

  it('stays idle when elements arrive after idleness without raising the watermark (Flink)', () => {
    const idle = WatermarkStrategy.forMonotonousTimestamps<{ t: number }>()
      .withTimestampAssigner((e) => e.t)
      .withIdleness(500);
    const h = new OperatorHarness(new TimestampsAndWatermarksOperator(idle), { autoWatermarkInterval: 200 }).open();
    h.element({ t: 1000 });
    h.advanceProcessingTime(1200); // watermark 999, then idle
    h.element({ t: 500 }); // late: the watermark stays 999
    h.advanceProcessingTime(200);
    expect(h.events.filter((e) => e.kind !== 'record')).toEqual([
      { kind: 'watermark', watermark: 999 },
      { kind: 'status', status: 'IDLE' },
    ]);
  });

  it('fails naming the operator when the timestamp assigner returns NaN', () => {
    const broken = WatermarkStrategy.forMonotonousTimestamps<{ d: Date }>().withTimestampAssigner((e) => e.d.getTime());
    const h = new OperatorHarness(new TimestampsAndWatermarksOperator(broken)).open();
    expect(() => h.element({ d: new Date('nope') })).toThrow(/operator 'Timestamps\/Watermarks' failed on record .*returned NaN/);
  });
});
