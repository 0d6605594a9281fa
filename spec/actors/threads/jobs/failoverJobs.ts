import { StreamExecutionEnvironment } from '../../../../lib/api/StreamExecutionEnvironment';
import { CollectSink } from '../../../../lib/connectors/sink/CollectSink';
import { FileSink } from '../../../../lib/connectors/sink/FileSink';
import { FailOnFirstAttempt, FirstAttemptFailure } from '../../../harness/FailOnFirstAttempt';
import { PausingSequenceSource } from '../../../harness/PausingSequenceSource';
import { TransactionalCollectSink } from '../../../harness/TransactionalCollectSink';

/** Job modules for failover on TaskManager threads: each worker thread loads this file. */

export interface FailOnceParams {
  readonly records: number;
  readonly failure: FirstAttemptFailure;
  /** fixed-delay restart attempts; 0: no restart strategy. */
  readonly restartAttempts: number;
}

/** 1..records, rebalanced over 2 subtasks whose first attempt fails at the first record, into a CollectSink. */
export function defineFailOnceJob(env: StreamExecutionEnvironment, p: FailOnceParams): { sink: CollectSink<number> } {
  const sink = new CollectSink<number>();
  env.setParallelism(2);
  env.setRestartStrategy(p.restartAttempts > 0 ? { type: 'fixed-delay', attempts: p.restartAttempts, delayMs: 10 } : { type: 'none' });
  env
    .fromSequence(1, p.records)
    .rebalance()
    .transform('Fail On First Attempt', (name) => new FailOnFirstAttempt<number>(name, p.failure, 0))
    .sinkTo(sink);
  return { sink };
}

export interface CheckpointedFailOnceParams {
  readonly records: number;
  /** The source pauses here until a checkpoint completes; attempt 0 fails on the next record. */
  readonly pauseAt: number;
  readonly failure: FirstAttemptFailure;
  /** Checkpoint storage directory; in memory (state bytes in the acknowledgements) when absent. */
  readonly checkpointDir?: string;
  /**
   * Where a FileSink writes its part files; a TransactionalCollectSink (staging on the thread,
   * committed records posted to this thread) when absent.
   */
  readonly outputDir?: string;
}

/**
 * 0..records-1 from a checkpointed source, through an operator whose first attempt fails once
 * the source went past a completed checkpoint, into a two-phase-commit sink.
 */
export function defineCheckpointedFailOnceJob(
  env: StreamExecutionEnvironment,
  p: CheckpointedFailOnceParams,
): { sink: TransactionalCollectSink<string> | undefined } {
  env.setParallelism(2);
  env.enableCheckpointing(20, 'EXACTLY_ONCE');
  if (p.checkpointDir) env.getCheckpointConfig().setCheckpointStorage(p.checkpointDir);
  env.setRestartStrategy({ type: 'fixed-delay', attempts: 3, delayMs: 10 });
  const stream = env
    .fromSource(new PausingSequenceSource(p.records, p.pauseAt), undefined, 'Pausing Sequence')
    .uid('source')
    .rebalance()
    .transform('Fail On First Attempt', (name) => new FailOnFirstAttempt<number>(name, p.failure, p.pauseAt))
    .map((n) => `record ${n}`);
  if (p.outputDir) {
    stream.sinkTo(new FileSink<string>(p.outputDir)).uid('sink');
    return { sink: undefined };
  }
  const sink = new TransactionalCollectSink<string>();
  stream.sinkTo(sink).uid('sink');
  return { sink };
}
