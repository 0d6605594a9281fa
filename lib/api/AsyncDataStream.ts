import { AsyncFunction, AsyncOutputMode, AsyncWaitOptions } from '../core/async/AsyncFunction';
import { AsyncWaitOperator } from '../runtime/operators/async/AsyncWaitOperator';
import { DataStream, SingleOutputStreamOperator } from './DataStream';

/**
 * Flink's AsyncDataStream: calls an async function per record (a lookup in a database, an HTTP
 * call) with many requests in flight, results flowing on as they come. See AsyncFunction and
 * AsyncWaitOptions; the operator is checkpointed with its requests in flight (exactly once).
 */
export class AsyncDataStream {
  /** Results in the order of their inputs. */
  static orderedWait<IN, OUT>(stream: DataStream<IN>, fn: AsyncFunction<IN, OUT>, options: AsyncWaitOptions<IN, OUT>): SingleOutputStreamOperator<OUT> {
    return AsyncDataStream.wait(stream, fn, options, 'ORDERED');
  }

  /** Results as they complete; watermarks still hold: no result crosses one. */
  static unorderedWait<IN, OUT>(stream: DataStream<IN>, fn: AsyncFunction<IN, OUT>, options: AsyncWaitOptions<IN, OUT>): SingleOutputStreamOperator<OUT> {
    return AsyncDataStream.wait(stream, fn, options, 'UNORDERED');
  }

  private static wait<IN, OUT>(
    stream: DataStream<IN>,
    fn: AsyncFunction<IN, OUT>,
    options: AsyncWaitOptions<IN, OUT>,
    mode: AsyncOutputMode,
  ): SingleOutputStreamOperator<OUT> {
    // Validates the options now, where the job is defined, rather than when a task opens.
    new AsyncWaitOperator<IN, OUT>(fn, mode, options, 'async wait operator');
    return stream.transform<OUT>('async wait operator', (name) => new AsyncWaitOperator<IN, OUT>(fn, mode, options, name));
  }
}
