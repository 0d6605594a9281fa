import { printPrefix } from '../../lib/connectors/sink/PrintSink';
import { runBoundedJob } from '../harness/JobHarness';

describe('print sink prefixes (Flink PrintSinkOutputWriter)', () => {
  it('follows the identifier / subtask / parallelism rule', () => {
    expect(printPrefix(undefined, 2, 4)).toBe('3> ');
    expect(printPrefix(undefined, 0, 1)).toBe('');
    expect(printPrefix('id', 2, 4)).toBe('id:3> ');
    expect(printPrefix('id', 0, 1)).toBe('id> ');
  });

  it('uses the sink subtask index, to stdout or stderr, with Flink sink names', async () => {
    const { stdout, stderr, result } = await runBoundedJob(
      (env) => {
        const s = env
          .fromElements('x', 'y', 'z', 'w')
          .rebalance()
          .map((v) => v)
          .setParallelism(2);
        s.print();
        s.print('out').setParallelism(1);
        s.printToErr('err');
      },
      { parallelism: 2 },
    );
    expect(
      stdout
        .filter((l) => /^\d> /.test(l))
        .map((l) => l.slice(3))
        .sort(),
    ).toEqual(['w', 'x', 'y', 'z']);
    expect(new Set(stdout.filter((l) => /^\d> /.test(l)).map((l) => l[0]))).toEqual(new Set(['1', '2']));
    expect(stdout.filter((l) => l.startsWith('out> ')).sort()).toEqual(['out> w', 'out> x', 'out> y', 'out> z']);
    expect(stderr.filter((l) => /^err:[12]> [wxyz]$/.test(l))).toHaveLength(4);
    const names = result.vertices.flatMap((v) => v.operators.map((o) => o.operatorName));
    expect(names).toEqual(expect.arrayContaining(['Sink: Print to Std. Out', 'Sink: Print to Std. Err']));
  });

  it('prints plain objects as JSON rather than [object Object]', async () => {
    const { stdout } = await runBoundedJob((env) => void env.fromElements({ a: 1 }).print(), { parallelism: 1 });
    expect(stdout).toEqual(['{"a":1}']);
  });
});
