import { JobHarness } from '../harness/JobHarness';
import { SlowAbortSink } from '../harness/SlowAbortSink';
import { TestSource } from '../harness/TestSource';

describe('a restart waits for the failed attempt to clean up', () => {
  it("deploys the next attempt only after every subtask of the failed one closed and its sink's abort settled", async () => {
    const h = new JobHarness({ parallelism: 1 });
    const source = new TestSource<string>();
    const sink = new SlowAbortSink();
    try {
      h.env.enableCheckpointing(100);
      // No backoff: only the wait for the clean-up keeps the next attempt from starting at once.
      h.env.setRestartStrategy({ type: 'fixed-delay', attempts: 1, delayMs: 0 });
      h.env.fromSource(source, undefined, 'Test Source').sinkTo(sink);
      source.emit('a');
      await h.start();
      await h.advance(100);
      source.emit('fail');
      await h.advance(10);
      expect(sink.events.slice(0, 3)).toEqual(['opened attempt 0 subtask 0', 'aborted attempt 0 subtask 0', 'opened attempt 1 subtask 0']);
      expect(h.client!.getJobStatus()).toBe('RUNNING');
    } finally {
      await h.close();
    }
  });
});
