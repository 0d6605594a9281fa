import { ForwardableSink } from '../lib/connectors/sink/ForwardableSink';
import { SinkFunction } from '../lib/connectors/sink/SinkFunction';
import { OutputDigest } from './OutputDigest';

/**
 * The benchmarks' sink: feeds each result into an OutputDigest, by a number (for queries that
 * emit a result per event, where hashing text would cost more than the query) or by text. On
 * TaskManager threads each writer digests locally and posts its digest once, at the end.
 */
export class DigestSink<T> implements ForwardableSink<T> {
  readonly name = 'Digest Sink';
  private forward: ((results: unknown) => void) | undefined;
  /** When the last writer saw the end of its input (epoch ms), so a run can tell processing from what follows it. */
  finishedAt: number | undefined;

  constructor(
    readonly digest: OutputDigest,
    private readonly describe: ((value: T) => number) | ((value: T) => string),
    private readonly normalize?: (line: string) => string,
  ) {}

  createWriter(): SinkFunction<T> {
    const { describe, forward } = this;
    const finished = (): void => {
      this.finishedAt = Date.now();
    };
    const digest = forward ? new OutputDigest(this.normalize) : this.digest;
    return {
      invoke(value: T): void {
        const d = describe(value);
        if (typeof d === 'number') digest.addNumber(d);
        else digest.add(d);
      },
      finish(): void {
        finished();
        forward?.(digest.toData());
      },
    };
  }

  forwardTo(post: (results: unknown) => void): void {
    this.forward = post;
  }

  acceptForwarded(results: unknown): void {
    this.digest.merge(results as ReturnType<OutputDigest['toData']>);
  }
}
