import { filter, map, newStream, runEffects, tap } from '@most/core';
import { newDefaultScheduler } from '@most/scheduler';
import { Sink, Stream } from '@most/types';
import { OutputDigest } from '../OutputDigest';
import { EventTimeCounter, parseLine, ParsedLine } from '../ipcount/EventTimeCounter';
import { readLines } from '../ipcount/readLines';

/** A @most/core stream combinator for the event-time window (most has none built in). */
function eventTimeCount(source: Stream<ParsedLine>): Stream<string> {
  return newStream((sink: Sink<string>, scheduler) => {
    let now = 0;
    const counter = new EventTimeCounter((line) => sink.event(now, line));
    return source.run(
      {
        event: (t, r) => {
          now = t;
          counter.add(r);
        },
        end: (t) => {
          now = t;
          counter.fire();
          sink.end(t);
        },
        error: (t, e) => sink.error(t, e),
      },
      scheduler,
    );
  });
}

/** IpCount with @most/core: lines → parse → window → results. */
export async function runMostIpCount(file: string, digest: OutputDigest): Promise<number> {
  let lines = 0;
  const lines$ = newStream<string>((sink, scheduler) => {
    let active = true;
    readLines(file, (line) => active && sink.event(scheduler.currentTime(), line)).then(
      (n) => {
        lines = n;
        if (active) sink.end(scheduler.currentTime());
      },
      (e: Error) => sink.error(scheduler.currentTime(), e),
    );
    return { dispose: () => void (active = false) };
  });
  const parsed = filter((r: ParsedLine | undefined): r is ParsedLine => r !== undefined, map(parseLine, lines$));
  await runEffects(
    tap((line: string) => digest.add(line), eventTimeCount(parsed as Stream<ParsedLine>)),
    newDefaultScheduler(),
  );
  return lines;
}
