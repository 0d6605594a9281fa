import { SubtaskSnapshot } from '../controlplane/ClusterQueries';
import { MAX_WATERMARK, MIN_WATERMARK } from '../time/Watermark';
import { ChannelWatermark, WindowWait } from './RestTypes';

/** A watermark or timer as a person reads it. */
export function describeEventTime(t: number): string {
  if (t <= MIN_WATERMARK) return 'none yet';
  if (t >= MAX_WATERMARK) return 'end of input';
  return new Date(t).toISOString();
}

/** Each input channel's watermark, with the producer subtask that feeds it. */
export function channelWatermarks(subtask: SubtaskSnapshot, vertexName: (id: number) => string): ChannelWatermark[] {
  const channels = subtask.metrics?.inputChannelWatermarks ?? [];
  return channels.map((c, i) => {
    const source = subtask.inputChannels[i];
    return {
      channel: i,
      watermark: c.watermark,
      status: c.status === 'IDLE' ? 'IDLE' : 'ACTIVE',
      'producer-vertex': source ? String(source.producerVertexId) : '',
      'producer-name': source ? vertexName(source.producerVertexId) : '',
      'producer-subtask': source ? source.producerSubtaskIndex : -1,
    };
  });
}

/**
 * Answers "why does my window not fire?" for one subtask. A window fires when the watermark
 * reaches its end (Flink: EventTimeTrigger fires at window.maxTimestamp() <= watermark); the
 * operator's watermark is the minimum over its active input channels (StatusWatermarkValve),
 * so the channels at that minimum are what hold it where it is. Returns null when no operator
 * of the subtask has an event-time timer the watermark has not reached.
 */
export function diagnoseWindowWait(subtask: SubtaskSnapshot, vertexName: (id: number) => string): WindowWait | null {
  const metrics = subtask.metrics;
  if (!metrics) return null;
  const index = metrics.operators.findIndex((o) => typeof o.gauges?.nextEventTimeTimer === 'number');
  if (index < 0) return null;
  const operator = metrics.operators[index];
  const nextTimer = operator.gauges!.nextEventTimeTimer as number;
  // The head operator sees the task's input watermark; a chained one sees what its predecessor emitted.
  const watermark = index === 0 ? metrics.currentInputWatermark : metrics.operators[index - 1].currentOutputWatermark;
  if (nextTimer <= watermark) return null;
  const channels = index === 0 ? channelWatermarks(subtask, vertexName) : [];
  const active = channels.filter((c) => c.status === 'ACTIVE');
  const idle = channels.filter((c) => c.status === 'IDLE').map((c) => c.channel);
  // Channels behind the valve's output are not aligned and do not count in its minimum.
  const aligned = active.filter((c) => c.watermark >= watermark);
  const candidates = aligned.length > 0 ? aligned : active;
  const min = candidates.reduce((m, c) => Math.min(m, c.watermark), Number.POSITIVE_INFINITY);
  const heldBackBy = candidates.filter((c) => c.watermark === min);
  const kind: WindowWait['kind'] =
    channels.length > 0 && active.length === 0
      ? 'idle'
      : min <= MIN_WATERMARK || watermark <= MIN_WATERMARK
        ? 'no-watermark'
        : active.some((c) => c.watermark >= nextTimer)
          ? 'held-back'
          : 'open';
  const waits = `the next timer of ${operator.operatorName} (a window end) is at ${describeEventTime(nextTimer)}; its watermark is ${describeEventTime(watermark)}`;
  const who = heldBackBy.map((c) => `channel ${c.channel} (from ${c['producer-name']} subtask ${c['producer-subtask']})`).join(', ');
  const plural = heldBackBy.length > 1;
  let reason: string;
  if (index > 0) {
    reason = `${waits}, which comes from the chained operator before it, ${metrics.operators[index - 1].operatorName}.`;
  } else if (kind === 'idle') {
    reason = `${waits}: every input channel is idle, so the watermark does not move until one becomes active again.`;
  } else if (kind === 'no-watermark') {
    reason = `${waits}: it is the minimum over the active input channels, and ${who} ${plural ? 'have' : 'has'} sent no watermark yet (no records there, or no watermark strategy upstream).`;
  } else if (kind === 'held-back') {
    reason = `${waits}: other input channels are past the window end, but the watermark is the minimum over the active channels, and ${who} ${plural ? 'are' : 'is'} at ${describeEventTime(min)}.`;
  } else {
    reason = `${waits}: the window is still open; no input channel has reached its end (the lowest, ${who}, ${plural ? 'are' : 'is'} at ${describeEventTime(min)}).`;
  }
  return {
    kind,
    operator: operator.operatorName,
    'next-timer': nextTimer,
    'pending-timers': (operator.gauges!.numEventTimeTimers as number | null) ?? 0,
    watermark,
    'held-back-by': heldBackBy,
    'idle-channels': idle,
    reason,
  };
}
