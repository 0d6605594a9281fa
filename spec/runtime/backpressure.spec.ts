import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { ChannelMessage } from '../../lib/runtime/ChannelMessage';
import { StreamTask } from '../../lib/runtime/StreamTask';
import { DEFAULT_TASK_CONFIG } from '../../lib/runtime/TaskConfig';
import { TaskMessage } from '../../lib/runtime/TaskMessage';
import { ManualClock } from '../../lib/time/ManualClock';
import { runBoundedJob } from '../harness/JobHarness';

const config = { ...DEFAULT_TASK_CONFIG, batchSize: 100, creditsPerChannel: 3, sourceBatchSize: 250 };

/** A source task (sequence → rebalance) whose consumer never hands credit back. */
function stalledSourceTask(clock: ManualClock) {
  const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 1, clock });
  let generated = 0;
  env
    .fromGenerator((i) => {
      generated++;
      return i;
    }, 1_000_000)
    .rebalance()
    .addSink(() => undefined);
  const vertex = env.getJobGraph().vertices[0];
  const mailbox: TaskMessage[] = [];
  const delivered: ChannelMessage[] = [];
  const task = new StreamTask(
    { jobName: 'bp', vertex, subtaskIndex: 0, attemptNumber: 0, config },
    { clock, stdout: { write() {} }, stderr: { write() {} }, post: (m) => mailbox.push(m), onStateChange() {} },
  );
  const edge = vertex.outputs[0].streamEdge;
  task.start({
    inputs: [],
    outputs: [{ streamEdgeId: edge.id, partitioner: edge.partitioner, channels: [{ index: 0, consumerChannel: 0, deliver: (m) => delivered.push(m) }] }],
  });
  /** Handles mailbox messages until there are none (what the subtask actor does). */
  const pump = (): void => {
    while (mailbox.length > 0) task.handle(mailbox.shift()!);
  };
  return { task, mailbox, delivered, pump, generated: () => generated };
}

describe('credit-based backpressure', () => {
  it('stops a source task at its credits: it stops polling its reader and stays blocked', () => {
    const clock = new ManualClock(0);
    const t = stalledSourceTask(clock);
    t.pump();
    // 3 credits × 100 records left; the rest of the poll slice waits in the channel.
    expect(t.delivered.filter((m) => m.type === 'records')).toHaveLength(3);
    expect(t.generated()).toBe(config.sourceBatchSize * 2);
    expect(t.mailbox).toHaveLength(0); // no poll scheduled: the reader is not read further
    expect(t.task.isBackPressured).toBe(true);

    clock.advance(10_000);
    const m = t.task.metrics();
    expect(m.backPressureRatio).toBe(1);
    expect(m.backPressureLevel).toBe('HIGH');
    expect(m.queuedOutputBatches).toBeGreaterThan(0);

    // The consumer processed one batch: one more goes out, and the task is still blocked.
    t.task.handle({ type: 'credit', outputChannel: 0, credits: 1 });
    t.pump();
    expect(t.delivered.filter((m) => m.type === 'records')).toHaveLength(4);
    expect(t.generated()).toBe(config.sourceBatchSize * 2);
  });

  it('resumes polling when credit makes room, and reports the time it was blocked', () => {
    const clock = new ManualClock(0);
    const t = stalledSourceTask(clock);
    t.pump();
    clock.advance(4000);
    expect(t.task.metrics()).toMatchObject({ backPressuredTimeMs: 4000, backPressureRatio: 1 });
    t.task.handle({ type: 'credit', outputChannel: 0, credits: 10 });
    t.pump();
    // It polled again until the 10 new credits were used up, and is blocked again.
    expect(t.delivered.filter((m) => m.type === 'records')).toHaveLength(13);
    expect(t.generated()).toBeGreaterThan(config.sourceBatchSize * 2);
    expect(t.task.isBackPressured).toBe(true);
    expect(t.task.metrics().backPressuredTimeMs).toBe(4000);
  });

  it('bounds what is in flight between a fast source and a slower sink, whatever the input size', async () => {
    // nact runs one message per actor per event-loop turn: the source task emits 4 batches per
    // poll while the sink handles 1 batch per turn. Without credits the gap grows with the input.
    let generated = 0;
    let received = 0;
    let maxInFlight = 0;
    const batchSize = 64;
    const creditsPerChannel = 4;
    await runBoundedJob(
      (env) =>
        env
          .fromGenerator((i) => {
            generated++;
            return i;
          }, 100_000)
          .rebalance()
          .map((x) => x + 1)
          .addSink(() => {
            received++;
            maxInFlight = Math.max(maxInFlight, generated - received);
          }),
      { parallelism: 1, batchSize, creditsPerChannel },
    );
    expect(received).toBe(100_000);
    // Two network hops with their credits and buffers, plus one poll slice of the source.
    const bound = 2 * (creditsPerChannel + 1) * batchSize + DEFAULT_TASK_CONFIG.sourceBatchSize + batchSize;
    expect(maxInFlight).toBeLessThanOrEqual(bound);
  });
});
