import { SubtaskSnapshot } from '../../lib/controlplane/ClusterQueries';
import { OperatorMetricsSnapshot, TaskMetricsSnapshot } from '../../lib/runtime/TaskMetrics';
import { describeEventTime, diagnoseWindowWait } from '../../lib/rest/WindowWaitDiagnosis';
import { MAX_WATERMARK, MIN_WATERMARK } from '../../lib/time/Watermark';

const NONE = MIN_WATERMARK;

function op(name: string, gauges?: Record<string, number | null>, currentOutputWatermark = NONE): OperatorMetricsSnapshot {
  return { operatorName: name, numRecordsIn: 0, numRecordsOut: 0, numRecordsSkipped: 0, numLateRecordsDropped: 0, currentOutputWatermark, gauges };
}

/** A window subtask whose input channels are at `channels` (IDLE when given as ['idle', wm]). */
function subtask(nextTimer: number | null, input: number, channels: Array<number | ['idle', number]>, operators?: OperatorMetricsSnapshot[]): SubtaskSnapshot {
  const metrics: TaskMetricsSnapshot = {
    numRecordsIn: 0,
    numRecordsOut: 0,
    numBatchesIn: 0,
    numBatchesOut: 0,
    currentInputWatermark: input,
    inputChannelWatermarks: channels.map((c) => (Array.isArray(c) ? { watermark: c[1], status: 'IDLE' } : { watermark: c, status: 'ACTIVE' })),
    backPressuredTimeMs: 0,
    backPressuredTimeMsPerSecond: 0,
    backPressureRatio: 0,
    backPressureLevel: 'OK',
    queuedInputMessages: 0,
    queuedOutputBatches: 0,
    busyTimeMs: 0,
    operators: operators ?? [op('Window(w)', { numEventTimeTimers: nextTimer === null ? 0 : 2, nextEventTimeTimer: nextTimer }), op('Sink: s')],
  };
  return {
    subtaskIndex: 0,
    executionId: 'j:3.0',
    taskManagerId: 0,
    taskManagerLocation: undefined,
    state: 'RUNNING',
    metrics,
    inputChannels: channels.map((_, i) => ({ channel: i, edgeId: 2, producerVertexId: 2, producerSubtaskIndex: i })),
  };
}

const name = (id: number): string => `Task ${id} (Map)`;

describe('why a window does not fire', () => {
  it('is silent when there is no pending timer, or the watermark has reached it', () => {
    expect(diagnoseWindowWait(subtask(null, 100, [100, 200]), name)).toBeNull();
    expect(diagnoseWindowWait(subtask(100, 100, [100, 200]), name)).toBeNull();
    expect(diagnoseWindowWait(subtask(100, 100, [100, 200], [op('Map')]), name)).toBeNull();
    expect(diagnoseWindowWait({ ...subtask(999, 100, [100]), metrics: undefined }, name)).toBeNull();
  });

  it('held back: another channel is past the window end, the lowest is not', () => {
    const wait = diagnoseWindowWait(subtask(4999, 1000, [6000, 1000, 7000]), name)!;
    expect(wait.kind).toBe('held-back');
    expect(wait['held-back-by'].map((c) => [c.channel, c.watermark, c['producer-name'], c['producer-subtask']])).toEqual([[1, 1000, 'Task 2 (Map)', 1]]);
    expect(wait.reason).toBe(
      'the next timer of Window(w) (a window end) is at 1970-01-01T00:00:04.999Z; its watermark is 1970-01-01T00:00:01.000Z: ' +
        'other input channels are past the window end, but the watermark is the minimum over the active channels, and ' +
        'channel 1 (from Task 2 (Map) subtask 1) is at 1970-01-01T00:00:01.000Z.',
    );
  });

  it('names every channel tied at the minimum', () => {
    const wait = diagnoseWindowWait(subtask(4999, 1000, [1000, 6000, 1000]), name)!;
    expect(wait['held-back-by'].map((c) => c.channel)).toEqual([0, 2]);
    expect(wait.reason).toContain('channel 0 (from Task 2 (Map) subtask 0), channel 2 (from Task 2 (Map) subtask 2) are at');
  });

  it('no watermark: a channel has sent none', () => {
    const wait = diagnoseWindowWait(subtask(4999, NONE, [3000, NONE]), name)!;
    expect(wait.kind).toBe('no-watermark');
    expect(wait['held-back-by'].map((c) => c.channel)).toEqual([1]);
    expect(wait.reason).toContain('has sent no watermark yet');
  });

  it('idle: every channel is idle; idle channels never count as holding back', () => {
    const idle = diagnoseWindowWait(
      subtask(4999, 1000, [
        ['idle', 1000],
        ['idle', 800],
      ]),
      name,
    )!;
    expect(idle.kind).toBe('idle');
    expect(idle['held-back-by']).toEqual([]);
    expect(idle['idle-channels']).toEqual([0, 1]);
    const oneIdle = diagnoseWindowWait(subtask(4999, 2000, [['idle', NONE], 2000, 3000]), name)!;
    expect(oneIdle.kind).toBe('open');
    expect(oneIdle['held-back-by'].map((c) => c.channel)).toEqual([1]);
    expect(oneIdle['idle-channels']).toEqual([0]);
  });

  it('open: no channel has reached the window end yet', () => {
    const wait = diagnoseWindowWait(subtask(4999, 2000, [2000, 3000]), name)!;
    expect(wait.kind).toBe('open');
    expect(wait.reason).toContain('the window is still open');
  });

  it('does not blame a channel that is behind the valve (not aligned) when an aligned one is at the minimum', () => {
    // Channel 0 became active again below the current watermark: the valve ignores it until it catches up.
    const wait = diagnoseWindowWait(subtask(4999, 2000, [500, 2000, 6000]), name)!;
    expect(wait['held-back-by'].map((c) => c.channel)).toEqual([1]);
  });

  it('a window operator chained after another operator waits for that operator, not the channels', () => {
    const wait = diagnoseWindowWait(
      subtask(4999, 9000, [9000], [op('Timestamps/Watermarks', undefined, 1000), op('Window(w)', { numEventTimeTimers: 1, nextEventTimeTimer: 4999 })]),
      name,
    )!;
    expect(wait.watermark).toBe(1000);
    expect(wait['held-back-by']).toEqual([]);
    expect(wait.reason).toContain('which comes from the chained operator before it, Timestamps/Watermarks');
  });

  it('reads the extremes as words', () => {
    expect(describeEventTime(MIN_WATERMARK)).toBe('none yet');
    expect(describeEventTime(MAX_WATERMARK)).toBe('end of input');
  });
});
