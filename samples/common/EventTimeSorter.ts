import { Collector, KeyedOnTimerContext, KeyedProcessFunction, KeyedProcessFunctionContext, ListState, ListStateDescriptor } from '../../actors';

/** A line with the event time it is about. */
export interface TimedLine {
  readonly t: number;
  readonly text: string;
}

/**
 * Prints results in event-time order, whatever subtask computed them: lines wait in keyed
 * state until the watermark passes their time, then go out sorted by (time, text). One key
 * ('report') so one subtask sees every line.
 */
export class EventTimeSorter extends KeyedProcessFunction<string, TimedLine, string> {
  private pending!: ListState<TimedLine>;

  override open(): void {
    this.pending = this.getRuntimeContext().getListState(new ListStateDescriptor<TimedLine>('pending'));
  }

  processElement(line: TimedLine, ctx: KeyedProcessFunctionContext<string>): void {
    this.pending.add(line);
    ctx.timerService().registerEventTimeTimer(line.t);
  }

  override onTimer(time: number, _ctx: KeyedOnTimerContext<string>, out: Collector<string>): void {
    const due = this.pending.get().filter((l) => l.t <= time);
    this.pending.update(this.pending.get().filter((l) => l.t > time));
    due.sort((a, b) => a.t - b.t || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0)).forEach((l) => out.collect(l.text));
  }
}

/** HH:mm:ss of an epoch-ms time, in UTC. */
export function hms(t: number): string {
  return new Date(t).toISOString().slice(11, 19);
}
