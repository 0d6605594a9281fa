import { filter, map, Observable, OperatorFunction } from 'rxjs';
import { OutputDigest } from '../OutputDigest';
import { EventTimeCounter, parseLine, ParsedLine } from '../ipcount/EventTimeCounter';
import { readLines } from '../ipcount/readLines';

/** An RxJS operator for the event-time window (RxJS has none: bufferTime is processing time). */
function eventTimeCount(): OperatorFunction<ParsedLine, string> {
  return (source) =>
    new Observable<string>((subscriber) => {
      const counter = new EventTimeCounter((line) => subscriber.next(line));
      return source.subscribe({
        next: (r) => counter.add(r),
        error: (e) => subscriber.error(e),
        complete: () => {
          counter.fire();
          subscriber.complete();
        },
      });
    });
}

/** IpCount as a Node developer would write it with RxJS: lines → parse → window → results. */
export function runRxjsIpCount(file: string, digest: OutputDigest): Promise<number> {
  return new Promise((resolve, reject) => {
    let lines = 0;
    const lines$ = new Observable<string>((subscriber) => {
      readLines(file, (line) => subscriber.next(line)).then(
        (n) => {
          lines = n;
          subscriber.complete();
        },
        (e: unknown) => subscriber.error(e),
      );
    });
    lines$
      .pipe(
        map(parseLine),
        filter((r): r is ParsedLine => r !== undefined),
        eventTimeCount(),
      )
      .subscribe({ next: (line) => digest.add(line), error: reject, complete: () => resolve(lines) });
  });
}
