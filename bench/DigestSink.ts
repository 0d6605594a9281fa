import { Sink, SinkFunction } from '../lib/connectors/sink/SinkFunction';
import { OutputDigest } from './OutputDigest';

/**
 * The benchmarks' sink: feeds each result into an OutputDigest, by a number (for queries that
 * emit a result per event, where hashing text would cost more than the query) or by text.
 */
export class DigestSink<T> implements Sink<T> {
  readonly name = 'Digest Sink';

  constructor(
    readonly digest: OutputDigest,
    private readonly describe: ((value: T) => number) | ((value: T) => string),
  ) {}

  createWriter(): SinkFunction<T> {
    const { digest, describe } = this;
    return {
      invoke(value: T): void {
        const d = describe(value);
        if (typeof d === 'number') digest.addNumber(d);
        else digest.add(d);
      },
    };
  }
}
