import { StatusWatermarkValve, ValveOutput } from './StatusWatermarkValve';
import { StreamOperator } from './StreamOperator';
import { isTwoInputOperator, TwoInputStreamOperator } from './TwoInputStreamOperator';
import { WatermarkStatus } from './WatermarkStatus';

/**
 * What a task does with what arrives on its input channels (Flink's StreamOneInputProcessor /
 * StreamTwoInputProcessor): records go to the head operator, watermarks through a
 * StatusWatermarkValve per logical input, so each input's watermark is the minimum over its
 * own channels.
 */
export interface StreamTaskInput {
  processRecords(channel: number, values: ArrayLike<unknown>, timestamps: ArrayLike<number>): void;
  processWatermark(channel: number, watermark: number): void;
  processWatermarkStatus(channel: number, status: WatermarkStatus): void;
  /** The watermark that last went into the head operator (the minimum over inputs). */
  readonly currentWatermark: number;
  /** Per channel, in channel order. */
  channelWatermarks(): ReadonlyArray<{ watermark: number; status: WatermarkStatus }>;
}

/** `typeNumbers[c]` is the input of channel c: 0 for a one-input head, 1 or 2 for a two-input head. */
export function createStreamTaskInput(head: StreamOperator<unknown, unknown>, typeNumbers: readonly number[]): StreamTaskInput {
  if (isTwoInputOperator(head)) return new TwoInputProcessor(head, typeNumbers);
  if (typeNumbers.some((t) => t !== 0)) throw new Error(`operator '${head.name}' has one input but is wired as a two-input operator`);
  return new OneInputProcessor(head, typeNumbers.length);
}

class OneInputProcessor implements StreamTaskInput, ValveOutput {
  private readonly valve: StatusWatermarkValve;

  constructor(
    private readonly head: StreamOperator<unknown, unknown>,
    channels: number,
  ) {
    this.valve = new StatusWatermarkValve(channels);
  }

  get currentWatermark(): number {
    return this.valve.currentWatermark;
  }

  processRecords(_channel: number, values: ArrayLike<unknown>, timestamps: ArrayLike<number>): void {
    const head = this.head;
    const n = values.length;
    for (let i = 0; i < n; i++) head.processElement(values[i], timestamps[i]);
  }

  processWatermark(channel: number, watermark: number): void {
    this.valve.inputWatermark(watermark, channel, this);
  }

  processWatermarkStatus(channel: number, status: WatermarkStatus): void {
    this.valve.inputWatermarkStatus(status, channel, this);
  }

  channelWatermarks(): ReadonlyArray<{ watermark: number; status: WatermarkStatus }> {
    return this.valve.channelWatermarks();
  }

  emitWatermark(watermark: number): void {
    this.head.processWatermark(watermark);
  }

  emitWatermarkStatus(status: WatermarkStatus): void {
    this.head.processWatermarkStatus(status);
  }
}

class TwoInputProcessor implements StreamTaskInput {
  private readonly valves: [StatusWatermarkValve, StatusWatermarkValve];
  private readonly outputs: [ValveOutput, ValveOutput];
  /** Channel → [input 0/1, channel index within that input]. */
  private readonly inputOf: number[];
  private readonly localIndex: number[];

  constructor(
    private readonly head: TwoInputStreamOperator<unknown, unknown, unknown>,
    typeNumbers: readonly number[],
  ) {
    const counts = [0, 0];
    this.inputOf = [];
    this.localIndex = [];
    for (const t of typeNumbers) {
      if (t !== 1 && t !== 2) throw new Error(`two-input operator '${head.name}' has a channel without an input number`);
      this.inputOf.push(t - 1);
      this.localIndex.push(counts[t - 1]++);
    }
    this.valves = [new StatusWatermarkValve(counts[0]), new StatusWatermarkValve(counts[1])];
    this.outputs = [
      { emitWatermark: (w) => head.processWatermark1(w), emitWatermarkStatus: (s) => head.processWatermarkStatus1(s) },
      { emitWatermark: (w) => head.processWatermark2(w), emitWatermarkStatus: (s) => head.processWatermarkStatus2(s) },
    ];
  }

  get currentWatermark(): number {
    return Math.min(this.valves[0].currentWatermark, this.valves[1].currentWatermark);
  }

  processRecords(channel: number, values: ArrayLike<unknown>, timestamps: ArrayLike<number>): void {
    const head = this.head;
    const n = values.length;
    if (this.inputOf[channel] === 0) for (let i = 0; i < n; i++) head.processElement1(values[i], timestamps[i]);
    else for (let i = 0; i < n; i++) head.processElement2(values[i], timestamps[i]);
  }

  processWatermark(channel: number, watermark: number): void {
    const input = this.inputOf[channel];
    this.valves[input].inputWatermark(watermark, this.localIndex[channel], this.outputs[input]);
  }

  processWatermarkStatus(channel: number, status: WatermarkStatus): void {
    const input = this.inputOf[channel];
    this.valves[input].inputWatermarkStatus(status, this.localIndex[channel], this.outputs[input]);
  }

  channelWatermarks(): ReadonlyArray<{ watermark: number; status: WatermarkStatus }> {
    const perInput = [this.valves[0].channelWatermarks(), this.valves[1].channelWatermarks()];
    return this.inputOf.map((input, c) => perInput[input][this.localIndex[c]]);
  }
}
