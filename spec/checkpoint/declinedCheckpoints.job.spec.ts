import { JobEvent } from '../../lib/controlplane/JobEventReporter';
import { Collector } from '../../lib/core/functions';
import { KeyedProcessFunction, KeyedProcessFunctionContext } from '../../lib/core/process/ProcessFunction';
import { ValueState } from '../../lib/core/state/State';
import { ValueStateDescriptor } from '../../lib/core/state/StateDescriptor';
import { JobHarness } from '../harness/JobHarness';
import { TestSource } from '../harness/TestSource';

interface Count {
  n: number;
}

/**
 * Counts requests per IP. For one IP a function is put into the stored count in place, after
 * update(): the write check does not see that, and a function cannot be structured-cloned, so
 * checkpoints of this state fail.
 */
class CountPerIp extends KeyedProcessFunction<string, string, string> {
  private count!: ValueState<Count>;

  override open(): void {
    this.count = this.getRuntimeContext().getState(new ValueStateDescriptor<Count>('count'));
  }

  processElement(ip: string, _ctx: KeyedProcessFunctionContext<string>, out: Collector<string>): void {
    const n = (this.count.value()?.n ?? 0) + 1;
    this.count.update({ n });
    if (ip === '10.0.0.1') Object.assign(this.count.value()!, { format: () => `${ip}: ${n}` });
    out.collect(`${ip} ${n}`);
  }
}

describe('declined checkpoints', () => {
  it('warn once per distinct reason, naming the state, its kind and the key whose value cannot be cloned', async () => {
    const events: JobEvent[] = [];
    const h = new JobHarness({ parallelism: 1, reporter: { report: (e) => events.push(e) } });
    const source = new TestSource<string>(1);
    try {
      h.env.enableCheckpointing(100).getCheckpointConfig().setTolerableCheckpointFailureNumber(1000);
      h.env
        .fromSource(source, undefined, 'Requests')
        .keyBy((ip) => ip)
        .process(new CountPerIp())
        .name('Count')
        .print();
      await h.start('ip counts');
      source.emit('10.0.0.2', '10.0.0.1', '10.0.0.2');
      await h.advance(1000);
      const stats = (await h.client!.getCheckpointStats())!;
      expect(stats.counts.failed).toBeGreaterThanOrEqual(5);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'checkpointDeclined', jobName: 'ip counts' });
      const reason = events[0].type === 'checkpointDeclined' ? events[0].reason : '';
      expect(reason).toMatch(
        /^subtask \d+\.0: ValueState 'count' for key '10\.0\.0\.1' in operator 'Count' could not be cloned: \(\) => `\$\{ip\}: \$\{n\}` could not be cloned\.$/,
      );
    } finally {
      await h.close();
    }
  });
});
