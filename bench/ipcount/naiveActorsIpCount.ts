import { ActorSystem, TypedRef } from '../../actors/nact';
import { OutputDigest } from '../OutputDigest';
import { EventTimeCounter, parseLine, ParsedLine } from './EventTimeCounter';
import { readLines } from './readLines';

type Msg<T> = { readonly type: 'record'; readonly value: T } | { readonly type: 'end' };

/**
 * IpCount on "naive actors": the design brook avoids. One nact message per record per hop
 * (reader → parser → window → sink), no batching, no credits: the reader sends as fast as the
 * file is read, and nact's unbounded mailboxes hold whatever the actors have not handled yet.
 */
export function runNaiveActorsIpCount(file: string, digest: OutputDigest): Promise<number> {
  const system = new ActorSystem(`naive-${process.pid}`);
  return new Promise<number>((resolve, reject) => {
    let lines = 0;
    const sink = system.spawn<Msg<string>>(system.root, 'sink', {
      receive(m) {
        if (m.type === 'record') digest.add(m.value);
        else resolve(lines);
      },
    });
    const window = system.spawn<Msg<ParsedLine>>(system.root, 'window', {
      receive(m) {
        if (m.type === 'record') counter.add(m.value);
        else {
          counter.fire();
          system.tell(sink, { type: 'end' });
        }
      },
    });
    const counter = new EventTimeCounter((line) => system.tell(sink, { type: 'record', value: line }));
    const parser: TypedRef<Msg<string>> = system.spawn<Msg<string>>(system.root, 'parser', {
      receive(m) {
        if (m.type === 'end') {
          system.tell(window, m);
          return;
        }
        const record = parseLine(m.value);
        if (record) system.tell(window, { type: 'record', value: record });
      },
    });
    readLines(file, (line) => system.tell(parser, { type: 'record', value: line })).then((n) => {
      lines = n;
      system.tell(parser, { type: 'end' });
    }, reject);
  }).finally(() => system.shutdown());
}
