import { BackPressureSnapshot } from './BackPressureGauge';

/** Counters of one operator inside one subtask. */
export class OperatorMetrics {
  numRecordsIn = 0;
  numRecordsOut = 0;
  /** Records a user function declared malformed (MalformedRecordError): skipped, not lost silently. */
  numRecordsSkipped = 0;
  /** Elements that arrived after their window's lateness and had no late-data output. */
  numLateRecordsDropped = 0;
  currentOutputWatermark = Number.MIN_SAFE_INTEGER;
  private readonly gauges = new Map<string, () => number | null>();

  constructor(readonly operatorName: string) {}

  /**
   * Registers a value read when metrics are collected (Flink's MetricGroup.gauge), e.g. the
   * window operator's next event-time timer. null means "no value now".
   */
  gauge(name: string, read: () => number | null): void {
    this.gauges.set(name, read);
  }

  snapshot(): OperatorMetricsSnapshot {
    return {
      operatorName: this.operatorName,
      numRecordsIn: this.numRecordsIn,
      numRecordsOut: this.numRecordsOut,
      numRecordsSkipped: this.numRecordsSkipped,
      numLateRecordsDropped: this.numLateRecordsDropped,
      currentOutputWatermark: this.currentOutputWatermark,
      ...(this.gauges.size > 0 ? { gauges: this.readGauges() } : {}),
    };
  }

  private readGauges(): Record<string, number | null> {
    const values: Record<string, number | null> = {};
    for (const [name, read] of this.gauges) values[name] = read();
    return values;
  }
}

export interface OperatorMetricsSnapshot {
  readonly operatorName: string;
  readonly numRecordsIn: number;
  readonly numRecordsOut: number;
  readonly numRecordsSkipped: number;
  readonly numLateRecordsDropped: number;
  readonly currentOutputWatermark: number;
  /** Operator-specific gauges registered with OperatorMetrics.gauge, read at snapshot time. */
  readonly gauges?: Readonly<Record<string, number | null>>;
}

/** Counters and gauges of one subtask, as Flink's task IO metric group shows them. */
export interface TaskMetricsSnapshot extends BackPressureSnapshot {
  readonly numRecordsIn: number;
  readonly numRecordsOut: number;
  readonly numBatchesIn: number;
  readonly numBatchesOut: number;
  readonly currentInputWatermark: number;
  readonly inputChannelWatermarks: ReadonlyArray<{ watermark: number; status: string }>;
  readonly queuedInputMessages: number;
  readonly queuedOutputBatches: number;
  /**
   * Time spent handling mailbox messages (Flink's busyTimeMs). Read on the millisecond clock
   * around each message: a message shorter than a millisecond adds 1 when a tick falls inside
   * it, which happens in proportion to its length, so the sum estimates the busy time without
   * bias.
   */
  readonly busyTimeMs: number;
  readonly operators: readonly OperatorMetricsSnapshot[];
}
