import { TwoPhaseCommitSink } from '../../lib/connectors/sink/TwoPhaseCommitSink';
import { FailOnCheckpointComplete } from './FailOnCheckpointComplete';
import { JobHarness } from './JobHarness';
import { TestSource } from './TestSource';

/**
 * Source → sink at parallelism 2 (one chained task per subtask), driven so that: subtask 0's
 * input ends and it finishes at its final checkpoint 1; checkpoint 2 completes and sink
 * subtask 1 fails before committing it; the job restores checkpoint 2, where subtask 0's state
 * is still the one of checkpoint 1. Returns what each subtask was given, in the order given.
 */
export async function runFinishedSubtaskRecovery<TXN>(sink: TwoPhaseCommitSink<string, TXN>): Promise<string[]> {
  const h = new JobHarness({ parallelism: 2 });
  const source = new TestSource<string>(2);
  try {
    h.env.enableCheckpointing(100);
    h.env.setRestartStrategy({ type: 'fixed-delay', attempts: 1, delayMs: 10 });
    h.env
      .fromSource(source, undefined, 'Test Source')
      .transform('Fail On Checkpoint Complete', () => new FailOnCheckpointComplete<string>(2, 1))
      .sinkTo(sink);
    source.emitTo(0, 'a0').emitTo(1, 'b0').end(0);
    await h.start();
    await h.advance(100);
    let stats = (await h.client!.getCheckpointStats())!;
    expect(stats.latestCompleted?.checkpointId).toBe(1); // subtask 0's final checkpoint
    source.emitTo(1, 'b1');
    await h.advance(100);
    stats = (await h.client!.getCheckpointStats())!;
    expect(stats.latestCompleted?.checkpointId).toBe(2);
    await h.advance(20); // the restart delay
    stats = (await h.client!.getCheckpointStats())!;
    expect(stats.counts.restored).toBe(1); // subtask 1 failed before committing 2 and the job restored 2
    expect(stats.latestRestored?.checkpointId).toBe(2);
    source.emitTo(1, 'b2').end(1);
    const result = await h.result();
    expect(result.numRestarts).toBe(1);
    return ['a0', 'b0', 'b1', 'b2'];
  } finally {
    await h.close();
  }
}
