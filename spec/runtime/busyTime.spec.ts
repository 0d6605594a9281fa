import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { JobViews } from '../../lib/rest/JobViews';
import { StreamTask } from '../../lib/runtime/StreamTask';
import { DEFAULT_TASK_CONFIG } from '../../lib/runtime/TaskConfig';
import { TaskMessage } from '../../lib/runtime/TaskMessage';
import { ManualClock } from '../../lib/time/ManualClock';
import { JobSnapshot } from '../../lib/controlplane/ClusterQueries';

describe('busy time (Flink busyTimeMs)', () => {
  it('adds up the time the task spends handling its messages, not the time between them', () => {
    const clock = new ManualClock(0);
    const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: 1, clock });
    // Each record takes 3 ms of the task's time.
    env
      .fromGenerator((i) => i, 10)
      .map((i) => {
        clock.advance(3);
        return i;
      })
      .addSink(() => undefined);
    const vertex = env.getJobGraph().vertices[0];
    const mailbox: TaskMessage[] = [];
    const task = new StreamTask(
      { jobName: 'busy', vertex, subtaskIndex: 0, attemptNumber: 0, config: { ...DEFAULT_TASK_CONFIG, sourceBatchSize: 5 } },
      { clock, stdout: { write() {} }, stderr: { write() {} }, post: (m) => mailbox.push(m), onStateChange() {} },
    );
    task.start({ inputs: [], outputs: [] });
    // Idle time between messages is not busy time.
    clock.advance(1000);
    while (mailbox.length > 0) {
      task.handle(mailbox.shift()!);
      clock.advance(500);
    }
    // start() polled nothing yet (the first poll is a message): 10 records × 3 ms, in messages.
    expect(task.metrics().busyTimeMs).toBe(30);
  });

  it('is shown as a share of time per subtask, and the highest per task, from two samples', () => {
    const views = new JobViews();
    const snapshot = (now: number, busyTimeMs: number): JobSnapshot =>
      ({
        now,
        overview: { jobId: 'j', name: 'n', status: 'RUNNING' },
        vertices: [{ id: 1, subtasks: [{ executionId: 'j:1.0', metrics: { numRecordsIn: 0, numRecordsOut: 0, busyTimeMs } }] }],
      }) as unknown as JobSnapshot;
    expect(views.rates(snapshot(0, 100)).get('j:1.0')?.busyRatio).toBeNull();
    expect(views.rates(snapshot(2000, 1600)).get('j:1.0')?.busyRatio).toBe(0.75);
  });
});
