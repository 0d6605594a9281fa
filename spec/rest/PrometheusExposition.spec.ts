import { escapeLabelValue, PrometheusExposition } from '../../lib/rest/PrometheusExporter';

describe('Prometheus text exposition', () => {
  it('groups samples by family with one HELP and TYPE line each', () => {
    const out = new PrometheusExposition()
      .add('brook_task_numRecordsIn', 'counter', 'Records in.', { task: 'a', subtask_index: 0 }, 5)
      .add('brook_jobmanager_jobs', 'gauge', 'Jobs.', {}, 1)
      .add('brook_task_numRecordsIn', 'counter', 'Records in.', { task: 'a', subtask_index: 1 }, 7)
      .add('brook_task_rate', 'gauge', 'No value yet.', {}, null);
    expect(out.render()).toBe(
      [
        '# HELP brook_task_numRecordsIn Records in.',
        '# TYPE brook_task_numRecordsIn counter',
        'brook_task_numRecordsIn{task="a",subtask_index="0"} 5',
        'brook_task_numRecordsIn{task="a",subtask_index="1"} 7',
        '# HELP brook_jobmanager_jobs Jobs.',
        '# TYPE brook_jobmanager_jobs gauge',
        'brook_jobmanager_jobs 1',
        '',
      ].join('\n'),
    );
  });

  it('escapes label values and help text, and keeps names in the Prometheus alphabet', () => {
    expect(escapeLabelValue('a "quoted" \\ name\nnext')).toBe('a \\"quoted\\" \\\\ name\\nnext');
    const text = new PrometheusExposition().add('brook_operator_my-gauge', 'gauge', 'line one\nline \\ two', { 'operator name': 'Map -> "x"' }, -1.5).render();
    expect(text).toBe(
      '# HELP brook_operator_my_gauge line one\\nline \\\\ two\n# TYPE brook_operator_my_gauge gauge\nbrook_operator_my_gauge{operator_name="Map -> \\"x\\""} -1.5\n',
    );
  });

  it('writes non-finite values as Prometheus spells them', () => {
    const text = new PrometheusExposition().add('a', 'gauge', 'h', { k: 1 }, Number.NaN).add('a', 'gauge', 'h', { k: 2 }, Number.POSITIVE_INFINITY).render();
    expect(text).toContain('a{k="1"} NaN\n');
    expect(text).toContain('a{k="2"} +Inf\n');
  });
});
