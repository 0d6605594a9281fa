import { SinkContext } from '../../lib/connectors/sink/SinkFunction';
import { TwoPhaseCommitSink, TwoPhaseCommitWriter } from '../../lib/connectors/sink/TwoPhaseCommitSink';
import { JobHarness } from '../harness/JobHarness';
import { TestSource } from '../harness/TestSource';

interface Txn {
  readonly id: number;
}

/** A two-phase-commit sink whose every commit fails, as a store that went away would. */
class FailingCommitSink implements TwoPhaseCommitSink<string, Txn> {
  readonly name = 'Failing Commit Sink';
  readonly transactional = true as const;

  createWriter(): TwoPhaseCommitWriter<string, Txn> {
    let seq = 0;
    return {
      beginTransaction: (): Txn => ({ id: seq++ }),
      invoke: (_txn: Txn, _value: string, _c: SinkContext): void => undefined,
      preCommit: async (): Promise<void> => {},
      commit: async (): Promise<void> => {
        throw new Error('the store went away');
      },
      abort: async (): Promise<void> => {},
    };
  }
}

describe('a two-phase-commit sink whose commit fails', () => {
  it('fails the job with an error that says which checkpoint it could not commit, and why', async () => {
    const h = new JobHarness({ parallelism: 1 });
    const source = new TestSource<string>();
    try {
      h.env.enableCheckpointing(100);
      h.env.setRestartStrategy({ type: 'none' });
      h.env.fromSource(source, undefined, 'Test Source').sinkTo(new FailingCommitSink());
      source.emit('a');
      await h.start();
      await h.advance(100);
      await expect(h.result()).rejects.toThrow(/commit of checkpoint 1: the store went away/);
    } finally {
      await h.close();
    }
  });

  it('fails a restarted job with an error that says the commit of the restored transactions failed', async () => {
    const h = new JobHarness({ parallelism: 1 });
    const source = new TestSource<string>();
    try {
      h.env.enableCheckpointing(100);
      h.env.setRestartStrategy({ type: 'fixed-delay', attempts: 1, delayMs: 10 });
      h.env.fromSource(source, undefined, 'Test Source').sinkTo(new FailingCommitSink());
      source.emit('a');
      await h.start();
      await h.advance(100); // checkpoint 1 completes, its commit fails: restart from checkpoint 1
      await h.advance(10);
      await expect(h.result()).rejects.toThrow(/recovery of restored transactions: the store went away/);
    } finally {
      await h.close();
    }
  });
});
