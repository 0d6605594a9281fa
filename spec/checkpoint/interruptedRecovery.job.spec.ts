import { SinkContext } from '../../lib/connectors/sink/SinkFunction';
import { TransactionalSinkContext, TwoPhaseCommitSink, TwoPhaseCommitWriter } from '../../lib/connectors/sink/TwoPhaseCommitSink';
import { TestFailure } from '../harness/FailAfterRecords';
import { bind } from '../harness/FailingCommitSink';
import { JobHarness } from '../harness/JobHarness';
import { ReplayableTestSource } from '../harness/ReplayableTestSource';
import { stepUntil } from '../harness/stepUntil';
import { TransactionalCollectSink } from '../harness/TransactionalCollectSink';

/**
 * Attempt 0 fails in the commit of its first transaction that holds records, so attempt 1
 * restores it as pending. Attempt 1 then loses the external system: every commit it asks for
 * (the recovery's first) hangs until the test calls `loseConnection()`, and fails then. Later
 * attempts write through.
 */
class InterruptedRecoverySink<T, TXN> implements TwoPhaseCommitSink<T, TXN> {
  readonly transactional = true as const;
  readonly name: string;
  /** Commits attempt 1 asked for: the first is the recovery of what attempt 0 left pending. */
  commitsHeld = 0;
  private lose: () => void = () => undefined;
  private readonly lost = new Promise<void>((resolve) => (this.lose = resolve));

  constructor(private readonly sink: TwoPhaseCommitSink<T, TXN>) {
    this.name = sink.name;
  }

  loseConnection(): void {
    this.lose();
  }

  createWriter(context: TransactionalSinkContext): TwoPhaseCommitWriter<T, TXN> {
    const writer = this.sink.createWriter(context);
    if (context.attemptNumber === 0) {
      const written = new Set<TXN>();
      return {
        ...bind(writer),
        invoke: (txn: TXN, value: T, c: SinkContext): void => {
          written.add(txn);
          writer.invoke(txn, value, c);
        },
        commit: async (txn: TXN): Promise<void> => {
          if (written.has(txn)) throw new TestFailure('test failure in attempt 0: the commit of a transaction with records');
          await writer.commit(txn);
        },
      };
    }
    if (context.attemptNumber === 1) {
      return {
        ...bind(writer),
        commit: async (): Promise<void> => {
          this.commitsHeld++;
          await this.lost;
          throw new TestFailure('test failure in attempt 1: the connection was lost during a commit');
        },
      };
    }
    return writer;
  }
}

describe('a run whose recovery commit is interrupted', () => {
  let h: JobHarness | undefined;
  afterEach(async () => h?.close());

  it('loses nothing when a checkpoint completed while the recovery commit was under way and the next attempt restores it', async () => {
    const collect = new TransactionalCollectSink<string>();
    const sink = new InterruptedRecoverySink(collect);
    const source = new ReplayableTestSource<string>();
    h = new JobHarness({ parallelism: 1 });
    h.env.enableCheckpointing(100);
    h.env.setRestartStrategy({ type: 'fixed-delay', attempts: 5, delayMs: 10 });
    h.env.fromSource(source, undefined, 'Records').sinkTo(sink);
    source.append(0, 'a');
    const client = await h.start();

    // Attempt 0 pre-committed 'a' in a completed checkpoint and failed committing it; attempt 1
    // restored that checkpoint, and its recovery commit of 'a' is under way.
    await stepUntil(h, 10, () => sink.commitsHeld > 0, "attempt 1's recovery commit");
    const restored = (await client.getCheckpointStats())!.latestRestored!.checkpointId;
    source.append(0, 'b');
    // A checkpoint of attempt 1 completes meanwhile; the recovery commit still hangs.
    await stepUntil(h, 10, async () => ((await client.getCheckpointStats())?.latestCompleted?.checkpointId ?? 0) > restored, 'a checkpoint of attempt 1');
    expect(collect.committed).toEqual([]);

    // Attempt 1 fails before any of its commits landed; attempt 2 restores that later checkpoint.
    sink.loseConnection();
    await stepUntil(h, 10, async () => ((await client.getCheckpointStats())?.counts.restored ?? 0) >= 2, 'attempt 2 restoring');
    source.end(0);
    const result = await h.result();
    expect(result.numRestarts).toBe(2);
    expect((await client.getCheckpointStats())!.latestRestored!.checkpointId).toBeGreaterThan(restored);
    expect(collect.committed).toEqual(['a', 'b']);
  });
});
