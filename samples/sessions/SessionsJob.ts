import {
  CollectionSource,
  Collector,
  DataStream,
  EventTimeSessionWindows,
  OutputTag,
  ProcessFunction,
  ProcessFunctionContext,
  ProcessWindowContext,
  StreamExecutionEnvironment,
  Time,
  TimeWindow,
  WatermarkGenerator,
  WatermarkOutput,
  WatermarkStrategy,
} from '../../actors';
import { EventTimeSorter, hms, TimedLine } from '../common/EventTimeSorter';
import { TrackingEvent } from './trackingEvents';

export const SESSION_GAP = Time.seconds(30);
export const OUT_OF_ORDERNESS_MS = 5000;

/**
 * A watermark after every event (max timestamp - bound - 1): with a punctuated watermark, which
 * events are late depends only on the input order, not on timing, so the report is the same
 * on every run.
 */
class PerEventBoundedWatermarks implements WatermarkGenerator<TrackingEvent> {
  private max = Number.MIN_SAFE_INTEGER;

  constructor(private readonly bound: number) {}

  onEvent(_e: TrackingEvent, ts: number, out: WatermarkOutput): void {
    this.max = Math.max(this.max, ts);
    out.emitWatermark(this.max - this.bound - 1);
  }

  onPeriodicEmit(): void {}
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Describes one session: its span (first to last event), length, and the path through the app. */
function describeSession(user: string, ctx: ProcessWindowContext<TimeWindow>, events: Iterable<TrackingEvent>, out: Collector<TimedLine>): void {
  const sorted = [...events].sort((a, b) => a.t - b.t);
  const first = sorted[0].t;
  const last = sorted[sorted.length - 1].t;
  const bought = sorted.some((e) => e.event === 'purchase') ? ', purchased' : '';
  out.collect({
    t: ctx.window.maxTimestamp(),
    text: `${user} ${hms(first)}-${hms(last)} (${duration(last - first)}) ${sorted.length} events${bought}: ${sorted.map((e) => e.event).join(' > ')}`,
  });
}

/**
 * A late event is reported at the event time it was found late (just after the watermark that
 * closed its session): every window subtask sees the same event/watermark sequence, so the
 * report's order does not depend on the parallelism.
 */
class ReportLate extends ProcessFunction<TrackingEvent, TimedLine> {
  processElement(e: TrackingEvent, ctx: ProcessFunctionContext, out: Collector<TimedLine>): void {
    const watermark = ctx.timerService().currentWatermark();
    out.collect({ t: watermark + 1, text: `late event: ${e.user} ${e.event} at ${hms(e.t)} (watermark at ${hms(watermark)})` });
  }
}

export const LATE_EVENTS = new OutputTag<TrackingEvent>('late-events');

/**
 * Per-user app sessions: events of a user less than 30 s apart form a session (event-time
 * session windows, merged as out-of-order events arrive); events that arrive after their
 * session was closed go to a late-data side output and are reported, not lost.
 */
export function defineSessionsJob(env: StreamExecutionEnvironment, events: readonly TrackingEvent[], parallelism = 1): DataStream<string> {
  env.setParallelism(parallelism);
  // Watermarks are made in the source (one subtask), so every window subtask sees the same
  // event/watermark sequence whatever the parallelism.
  const tracked = env.fromSource(
    new CollectionSource<TrackingEvent>([...events]),
    WatermarkStrategy.forGenerator<TrackingEvent>(() => new PerEventBoundedWatermarks(OUT_OF_ORDERNESS_MS)).withTimestampAssigner((e) => e.t),
    'Tracking Events',
  );
  const sessions = tracked.keyBy('user').window(EventTimeSessionWindows.withGap(SESSION_GAP)).sideOutputLateData(LATE_EVENTS).process(describeSession);
  const late = sessions.getSideOutput(LATE_EVENTS).process(new ReportLate()).name('Late Events');
  return sessions
    .union(late)
    .keyBy(() => 'report')
    .process(new EventTimeSorter())
    .name('Report')
    .setParallelism(1);
}
